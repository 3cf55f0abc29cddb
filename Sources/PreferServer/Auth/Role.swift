/// What an API key may do. Each role includes the ones before it:
/// a viewer reads private leaderboards and exports, an admin also manages
/// arenas, imports and exports, an owner also manages keys.
///
/// The OpenAPI document names the role an operation needs as the scope of its
/// `apiKey` security requirement, and `OperationSecurity` reads it from there.
public enum Role: String, Sendable, Hashable, CaseIterable, Comparable {
    case viewer
    case admin
    case owner

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// This role and every role it includes.
    public var granted: Set<Role> { Set(Role.allCases.filter { $0 <= self }) }
}
