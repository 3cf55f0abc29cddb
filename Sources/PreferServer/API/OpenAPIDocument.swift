import Foundation

/// The OpenAPI 3.1 description of the JSON API, shipped as a resource
/// (`Resources/openapi.json`) and served at `/openapi.json`. A test checks
/// that it lists exactly the routes the router has and that responses match
/// its schemas.
public enum OpenAPIDocument {
    public static let data: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources"),
              let data = try? Data(contentsOf: url) else {
            preconditionFailure("Resources/openapi.json is missing from the PreferServer bundle")
        }
        return data
    }()
}
