import Hummingbird
import HummingbirdAuth

/// The request context of Prefer's routes: Hummingbird's core storage plus
/// the identity the authenticator middleware of the route's group found.
public struct PreferRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: PreferIdentity?
    /// The visitor's session id (the `prefer_session` cookie), where the
    /// route's authenticator settled one.
    var session: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
        session = nil
    }
}
