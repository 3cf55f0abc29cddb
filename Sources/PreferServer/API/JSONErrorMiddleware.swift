import Foundation
import Hummingbird
import Logging
import NIOCore
import OpenAPIRuntime
import PreferStore

/// Turns every error a handler throws into a `PreferError` JSON response, so
/// a client always gets `{"error": {...}}` with a 4xx status for bad input.
/// Only a genuine server fault (logged) becomes a 500, and its body never
/// echoes the request.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let bodyLimit: Int
    let document: APIDocument

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // A documented path asked with another method is 405 with the methods it takes.
            if let allowed = document.methods(matching: request.uri.path) {
                var response = try PreferError(
                    .methodNotAllowed, code: "method_not_allowed",
                    "\(request.uri.path) takes \(allowed.joined(separator: ", ")), not \(request.method.rawValue). GET /openapi.json describes the API."
                ).response(from: request, context: context)
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            }
            return try respond(to: error, request: request, context: context)
        } catch {
            return try respond(to: error, request: request, context: context)
        }
    }

    func respond(to error: any Error, request: Request, context: Context) throws -> Response {
        let problem = translate(error, logger: context.logger)
        // A browser asking for a page gets a page; API clients get JSON.
        if !request.uri.path.hasPrefix("/api/"), request.headers[.accept]?.contains("text/html") == true {
            if problem.code == "not_found" && problem.message.hasPrefix("No such endpoint") {
                // A person who typed or followed a wrong address: say so in their words.
                let page = PreferError(
                    .notFound, code: "not_found",
                    "There is no page at \(request.uri.path). The arenas are listed on the home page.")
                return PageResponse.error(page, title: "Page not found")
            }
            return PageResponse.error(problem, title: PagesController.title(problem))
        }
        return try problem.response(from: request, context: context)
    }

    func translate(_ error: any Error, logger: Logger, operation: String? = nil) -> PreferError {
        switch error {
        case let error as PreferError:
            return error
        case let error as ServerError:
            // The generated server wraps what failed: a handler's own error,
            // or the decoding of the request. A query item that did not
            // decode is named from the document.
            if error.operationInput == nil, let operation = document.operation(id: error.operationID),
               let bad = operation.invalidQueryItem(in: error.request.path) {
                return .invalidField(bad.name, "\(bad.name) must be \(bad.expected); got \"\(bad.value.prefix(100))\".")
            }
            // A required query item left out: named as a field, with what the document says it is
            // (the generated decoder says "Missing required query parameter", or, when other items
            // are there, that some value was null).
            if error.operationInput == nil, let missing = document.operation(id: error.operationID)?.missingQueryItem(in: error.request.path) {
                let what = missing.description.map { ": " + $0.prefix(1).lowercased() + $0.dropFirst() } ?? ""
                return .invalidField(missing.name, "The query parameter \(missing.name) is required\(what). GET /openapi.json describes it.")
            }
            let inner = translate(error.underlyingError, logger: logger, operation: error.operationID)
            if inner.kind == .internal, (400..<500).contains(error.httpStatus.code) {
                let kind: PreferError.Kind = error.httpStatus == .unsupportedMediaType ? .unsupportedMediaType : .invalid
                return PreferError(kind, code: "bad_request", "The request does not match the API: \(error.causeDescription). GET /openapi.json describes it.")
            }
            return inner
        case let error as StoreError:
            switch error.kind {
            case .duplicate: return .duplicate(error.message, field: error.field)
            case .notFound: return .notFound(error.message, field: error.field)
            // A rule the data broke: named by its field, as the API's own checks name theirs.
            case .invalid: return error.field.map { .invalidField($0, error.message) } ?? .badRequest(error.message)
            case .unavailable: return .unavailable
            }
        case let error as DecodingError:
            return DecodingFailure.translate(error, allowed: operation.flatMap { document.operation(id: $0)?.bodyFields } ?? [])
        case is NIOTooManyBytesError:
            return .bodyTooLarge(limit: bodyLimit)
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return PreferError(.notFound, code: "not_found", "No such endpoint. GET /openapi.json describes the API.")
            case .methodNotAllowed:
                return PreferError(.methodNotAllowed, code: "method_not_allowed", "This endpoint does not accept that method. GET /openapi.json describes the API.")
            case .contentTooLarge:
                return .bodyTooLarge(limit: bodyLimit)
            default:
                if (400..<500).contains(error.status.code) {
                    return PreferError(.invalid, code: "bad_request", error.body ?? error.status.reasonPhrase)
                }
            }
        default:
            break
        }
        logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
        return .internalFailure
    }
}
