import Foundation

/// A release folder as one POSIX ustar archive (`tar -xf` unpacks it into
/// `TOP/`, then `sha256sum -c SHA256SUMS` checks it there), written by hand
/// so the server can stream a release without a dependency: a directory entry
/// for `TOP/`, then each file of `DataRelease.files` in that order, each a
/// 512-byte header and its bytes padded to 512, and two zero blocks at the
/// end (POSIX.1-1988 ustar; IEEE Std 1003.1, "pax: ustar Interchange Format").
///
/// Deterministic: owner and group 0 without names, mode 0644 (0755 for the
/// folder), every time the same `mtime` — the same release gives the same
/// archive. Size is known before the first byte (`length`), so a response can
/// carry a Content-Length. O(total bytes); reads 1 MB at a time.
public enum ReleaseArchive {
    public static let block = 512

    /// The archive's size for these file sizes.
    public static func length(fileSizes: [Int]) -> Int {
        block + fileSizes.reduce(0) { $0 + block + padded($1) } + 2 * block
    }

    static func padded(_ size: Int) -> Int { (size + block - 1) / block * block }

    /// One ustar header. `name` must fit the 100-byte name field (release
    /// paths are `ARENA-release/FILE`, at most 64 + 8 + 1 + 17 bytes).
    public static func header(name: String, size: Int, mtime: Int, directory: Bool = false) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: block)
        func put(_ text: String, at offset: Int, width: Int) {
            for (i, byte) in text.utf8.prefix(width).enumerated() { header[offset + i] = byte }
        }
        func octal(_ value: Int, at offset: Int, width: Int) {
            // width − 1 octal digits, zero-padded, then NUL.
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(directory ? 0o755 : 0o644, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(directory ? 0 : size, at: 124, width: 12)
        octal(max(0, mtime), at: 136, width: 12)
        header[156] = directory ? UInt8(ascii: "5") : UInt8(ascii: "0")
        put("ustar", at: 257, width: 6)  // "ustar\0"
        put("00", at: 263, width: 2)
        // The checksum: the sum of the header's bytes with its own field as spaces.
        for i in 148..<156 { header[i] = UInt8(ascii: " ") }
        let sum = header.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: max(0, 6 - digits.count)) + digits, at: 148, width: 6)
        header[154] = 0
        header[155] = UInt8(ascii: " ")
        return header
    }

    /// The archive of `folder`'s `files` under `top/`, chunk by chunk.
    public static func write(
        folder: String, top: String, files: [String], mtime: Int, _ body: ([UInt8]) async throws -> Void
    ) async throws {
        try await body(header(name: top + "/", size: 0, mtime: mtime, directory: true))
        for name in files {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw StoreError(.unavailable, "The release file \(name) vanished before it was sent.")
            }
            defer { try? handle.close() }
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            try await body(header(name: top + "/" + name, size: size, mtime: mtime))
            var sent = 0
            while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
                sent += data.count
                try await body([UInt8](data))
            }
            guard sent == size else { throw StoreError(.unavailable, "The release file \(name) changed while it was sent.") }
            let padding = padded(size) - size
            if padding > 0 { try await body([UInt8](repeating: 0, count: padding)) }
        }
        try await body([UInt8](repeating: 0, count: 2 * block))
    }
}
