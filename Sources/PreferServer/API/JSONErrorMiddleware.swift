import Foundation
import Hummingbird
import Logging
import NIOCore
import PreferStore

/// Turns every error a handler throws into an `APIError` JSON response, so a
/// client always gets `{"error": {...}}` with a 4xx status for bad input.
/// Only a genuine server fault (logged with the request id) becomes a 500,
/// and its body never echoes the request.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let bodyLimit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.translate(error, bodyLimit: bodyLimit, logger: context.logger).response(from: request, context: context)
        }
    }

    static func translate(_ error: any Error, bodyLimit: Int, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as StoreError:
            switch error.kind {
            case .duplicate: return .duplicate(error.message, field: error.field)
            case .notFound: return .notFound(error.message, field: error.field)
            case .invalid: return .badRequest(error.message, field: error.field)
            case .unavailable: return .unavailable
            }
        case is NIOTooManyBytesError:
            return .bodyTooLarge(limit: bodyLimit)
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return APIError(.notFound, code: "not_found", "No such endpoint. GET /openapi.json describes the API.")
            case .methodNotAllowed:
                return APIError(.methodNotAllowed, code: "method_not_allowed", "This endpoint does not accept that method. GET /openapi.json describes the API.")
            case .contentTooLarge:
                return .bodyTooLarge(limit: bodyLimit)
            default:
                if (400..<500).contains(error.status.code) {
                    return APIError(error.status, code: "bad_request", error.body ?? error.status.reasonPhrase)
                }
            }
        case let error as DecodingError:
            return RequestDecoding.translate(error)
        default:
            break
        }
        logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
        return APIError(.internalServerError, code: "internal_error", "The server failed to handle this request; the failure is logged. Try again, and report it if it persists.")
    }
}
