import Foundation
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat

/// The API's rendering of a `PreferError`: its kind as a status and the body
/// `{"error": {"code", "message", "field"?, "details"?}}`.
extension PreferError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch kind {
        case .invalid: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .gone: .gone
        case .tooLarge: .contentTooLarge
        case .methodNotAllowed: .methodNotAllowed
        case .unsupportedMediaType: .unsupportedMediaType
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"prefer\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try jsonBody())))
    }

    /// The error's JSON body, from the document's `Error` schema.
    func jsonBody() throws -> Data {
        let body = Components.Schemas._Error(error: .init(
            code: code, message: message, field: field,
            details: details?.map { .init(line: $0.line, field: $0.field, message: $0.message) }
        ))
        return try JSONCoding.encoder.encode(body)
    }
}
