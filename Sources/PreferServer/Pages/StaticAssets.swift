import Crypto
import Foundation
import Hummingbird
import NIOCore
import PreferStore

/// The pages' own static files, `Resources/prefer.js`,
/// `Resources/prefer.css` and `Resources/favicon.svg`, read once and served under `/assets/` with a year
/// of caching: pages link them as `/assets/NAME?v=HASH`, so a new build's
/// files get new addresses.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
        /// The first 12 hex digits of the file's SHA-256.
        var version: String
    }

    static let files: [String: Asset] = {
        var files: [String: Asset] = [:]
        for (name, ext, type) in [
            ("prefer", "js", "text/javascript; charset=utf-8"), ("prefer", "css", "text/css; charset=utf-8"),
            ("favicon", "svg", "image/svg+xml"),
        ] {
            guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources"),
                  let data = try? Data(contentsOf: url) else { continue }
            let version = SHA256.hash(data: data).prefix(6).hexString
            files["\(name).\(ext)"] = Asset(bytes: [UInt8](data), contentType: type, version: version)
        }
        return files
    }()

    /// The address of an asset, with its version.
    static func url(_ name: String) -> String {
        "/assets/\(name)?v=\(files[name]?.version ?? "missing")"
    }

    /// `GET /assets/{file}`.
    static func serve(_ name: String) -> Response? {
        guard let asset = files[name] else { return nil }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes))
        )
    }
}
