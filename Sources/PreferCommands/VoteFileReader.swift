import Foundation
import PreferCore
import CoreFoundation

/// Reads vote files (`-` for standard input) into one `VoteTable` with
/// `VoteParser`, memory-mapping regular files so that large files are parsed
/// in place, on all cores.
struct VoteFileReader {
    var options: VoteParseOptions
    var progress: ProgressLine

    struct Result {
        var table: VoteTable
        var invalidCount = 0
        /// Rows skipped because both sides were one contender.
        var selfBattles = 0
        var invalid: [VoteParseError] = []
        var bytes = 0
    }

    func read(_ paths: [String]) throws -> Result {
        var result = Result(table: VoteTable())
        for path in paths {
            let name = path == "-" ? "<stdin>" : path
            let parsed: VoteParseResult = try withBytes(of: path) { bytes in
                result.bytes += bytes.count
                let mb = Double(bytes.count) / 1_000_000
                return try VoteParser.parse(bytes, source: name, options: options) { done, total in
                    progress.update(String(format: "reading %@: %.0f of %.0f MB", name, Double(done) / 1_000_000, mb))
                }
            }
            if result.table.isEmpty {
                result.table = parsed.table
            } else {
                result.table.append(contentsOf: parsed.table)
            }
            result.invalidCount += parsed.invalidCount
            result.selfBattles += parsed.selfBattles
            result.invalid += parsed.invalid
        }
        progress.finish()
        return result
    }

    /// Calls `body` with the file's bytes: mapped for regular files, read for standard input and pipes.
    func withBytes<T>(of path: String, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        if path == "-" {
            let data = Console.readInput()
            return try data.withUnsafeBytes(body)
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CommandError("cannot open \(path): \(String(cString: strerror(errno))). Check the path, or use - for standard input.")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw CommandError("cannot read \(path): \(String(cString: strerror(errno))).")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw CommandError("\(path) is a directory; give vote files (.jsonl, .json or .csv).")
        }
        let size = Int(info.st_size)
        if (info.st_mode & S_IFMT) != S_IFREG || size == 0 {
            let data = FileHandle(fileDescriptor: fd, closeOnDealloc: false).readDataToEndOfFile()
            return try data.withUnsafeBytes(body)
        }
        #if os(Linux)
        // Linux: fault the pages in now, in one go (the scanner reads them all).
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let map = mmap(nil, size, PROT_READ, flags, fd, 0), map != MAP_FAILED else {
            throw CommandError("cannot map \(path): \(String(cString: strerror(errno))).")
        }
        defer { munmap(map, size) }
        madvise(map, size, MADV_SEQUENTIAL)
        return try body(UnsafeRawBufferPointer(start: map, count: size))
    }
}

/// A command-line failure with a message that tells the user what to do.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
