import Foundation

/// The reference inputs and expected outputs the tests read, kept in the
/// repository (`Tests/PreferTestSupport/testdata`, copied from the project's
/// shared reference set; `FixtureTests` checks the copy against that set when
/// it is present) and found one way: as this target's resources.
public enum Fixtures {
    /// The folder holding the reference files.
    public static let directory: URL = {
        guard let url = Bundle.module.url(forResource: "testdata", withExtension: nil) else {
            preconditionFailure("testdata is missing from the PreferTestSupport bundle")
        }
        return url
    }()

    /// The file `name` of the reference set.
    public static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// The path of the file `name`, for commands that take paths.
    public static func path(_ name: String) -> String { url(name).path }

    /// The bytes of the file `name`.
    public static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    /// A JSON object file.
    public static func json(_ name: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data(name)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path(name)])
        }
        return object
    }
}
