/// Prefer's version, in one place: `prefer --version` prints it (and the
/// server may report it). Change it here when a release is tagged.
public enum PreferVersion {
    public static let current = "0.1.0"
}
