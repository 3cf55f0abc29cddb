import Foundation

/// Where an export or a release writes a file: beside it under a temporary
/// name (`.partial-PID`), renamed into place when complete — so a failed
/// export leaves no half file — in buffers of 1 MB; or, for the path "-",
/// standard output.
public final class FileSink {
    public let path: String
    private let handle: FileHandle
    private let temporary: String?
    private var buffer: [UInt8] = []

    /// Throws a `StoreError` naming the path (field `out`) when the file cannot be made.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            handle = FileHandle.standardOutput
            temporary = nil
            return
        }
        let temp = path + ".partial-\(getpid())"
        guard FileManager.default.createFile(atPath: temp, contents: nil), let opened = FileHandle(forWritingAtPath: temp) else {
            throw StoreError(.invalid, "cannot write \(path): check that its folder exists and is writable.", field: "out")
        }
        handle = opened
        temporary = temp
    }

    public func write(_ bytes: [UInt8]) throws {
        buffer += bytes
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and puts the file in place (replacing one there).
    public func finish() throws {
        try flush()
        guard let temporary else { return }
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    /// Leaves nothing behind: the temporary file is removed.
    public func discard() throws {
        guard let temporary else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }
}
