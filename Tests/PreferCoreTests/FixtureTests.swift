import Foundation
import PreferTestSupport
import Testing

/// The repository's copy of the reference files against the project's
/// shared reference set, where a checkout has it (beside the repository, in
/// the folder "shared" next to it). A clone of the project alone has only the
/// copy, and this check has nothing to compare.
@Suite("Reference files")
struct FixtureTests {
    static let shared: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // PreferCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the repository
        .deletingLastPathComponent()  // the folder holding it
        .appendingPathComponent("shared")
        .appendingPathComponent("testdata")

    @Test func copyMatchesTheSharedSetWhenPresent() throws {
        let manager = FileManager.default
        guard manager.fileExists(atPath: Self.shared.path) else { return }
        let names = try manager.contentsOfDirectory(atPath: Self.shared.path).sorted()
        #expect(!names.isEmpty)
        for name in names {
            let copy = Fixtures.url(name)
            #expect(manager.fileExists(atPath: copy.path), "\(name) is in the shared set but not in Tests/PreferTestSupport/testdata")
            guard manager.fileExists(atPath: copy.path) else { continue }
            #expect(try Self.asShared(Data(contentsOf: copy)) == Data(contentsOf: Self.shared.appendingPathComponent(name)), "\(name) differs from the shared set")
        }
    }

    /// A copy as the shared set holds it: the generator's record of where it
    /// wrote a file (`"out"` in the `*.truth.json` files) names the copy's own
    /// folder in the repository, and the shared folder in the shared set.
    static func asShared(_ data: Data) -> Data {
        let here = "\"out\": \"Tests/PreferTestSupport/testdata/"
        let there = "\"out\": \"" + ["shared", "testdata"].joined(separator: "/") + "/"
        return Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: here, with: there).utf8)
    }
}
