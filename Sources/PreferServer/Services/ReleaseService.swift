import Foundation
import PreferCore
import PreferStore

/// Data releases over HTTP (`POST /api/arenas/{arena}/releases`): the same
/// `DataRelease` that `prefer release` runs, written to a scratch folder on
/// the server and sent as one tar archive (`ReleaseArchive`), then deleted.
///
/// Why an archive and not a folder on the server: the admin asking is
/// usually on another machine, and a server that writes where a request says
/// is a path-traversal hole; an archive of known length streams in bounded
/// memory, unpacks with plain `tar -xf` on any system, and keeps
/// `SHA256SUMS` next to the files it checks. Uncompressed tar rather than
/// zip: no CRC or deflate code of our own, byte-for-byte deterministic, and
/// the client may compress in transit.
public struct ReleaseService: Sendable {
    let store: any PreferStore
    let directory: ArenaDirectory

    init(store: any PreferStore, directory: ArenaDirectory) {
        self.store = store
        self.directory = directory
    }

    /// A release ready to send: its archive's file name, length and bytes.
    /// The scratch folder is removed when the bytes have been read (or the
    /// client went away).
    public struct Archive: Sendable {
        public var filename: String
        public var length: Int
        public var summary: DataRelease.Summary
        public var chunks: AsyncThrowingStream<ArraySlice<UInt8>, any Error>
    }

    /// Writes the release of `reference` with `options`; errors (an unknown
    /// arena, one with nothing to release, a bad pattern or key) are thrown
    /// before any byte is sent.
    public func archive(arena reference: String, options: DataRelease.Options) async throws -> Archive {
        guard let store = store as? SQLPreferStore else { throw PreferError.unavailable }
        let arena = try await directory.arena(reference)
        var release = try DataRelease(arena: arena, options: options)
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("prefer-release-\(UUID().uuidString)").path
        let top = "\(arena.name)-release"
        let folder = (scratch as NSString).appendingPathComponent(top)
        let summary: DataRelease.Summary
        let sizes: [Int]
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            summary = try await release.write(store: store, to: folder)
            sizes = try DataRelease.files.map {
                try FileManager.default.attributesOfItem(atPath: (folder as NSString).appendingPathComponent($0))[.size] as? Int ?? 0
            }
        } catch {
            try? FileManager.default.removeItem(atPath: scratch)
            throw error
        }
        let mtime = Int(summary.newest?.timeIntervalSince1970 ?? 0)
        let chunks = AsyncThrowingStream<ArraySlice<UInt8>, any Error>(bufferingPolicy: .bufferingOldest(8)) { continuation in
            let task = Task {
                do {
                    try await ReleaseArchive.write(folder: folder, top: top, files: DataRelease.files, mtime: mtime) { bytes in
                        try Task.checkCancellation()
                        // Wait while the client is slower than the disk: the buffer holds 8 chunks.
                        while case .dropped = continuation.yield(bytes[...]) {
                            try await Task.sleep(for: .milliseconds(5))
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
                try? FileManager.default.removeItem(atPath: scratch)
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return Archive(
            filename: "\(top).tar", length: ReleaseArchive.length(fileSizes: sizes), summary: summary, chunks: chunks)
    }
}
