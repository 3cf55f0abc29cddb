/// The JSON API: the handlers of the operations in `openapi.json`, whose
/// interface (`APIProtocol`) and types swift-openapi-generator makes from the
/// document. Each handler decodes its typed input into the domain's terms,
/// calls one service, and encodes the result; the route group it lands in
/// (`OperationRouter`) has already authenticated the caller as the document
/// asks, and `RequestScope.identity` says who it is.
struct PreferAPI: APIProtocol {
    let services: PreferServices
}
