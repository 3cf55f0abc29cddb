import Foundation
#if canImport(Glibc)
import Glibc
import CoreFoundation
#endif

/// A file's bytes for as long as the value lives: mapped for regular files
/// (parsed in place, paged in as read, nothing copied), read whole for
/// standard input (`-`) and pipes. Unlike `VoteFileReader.withBytes` it
/// outlives one synchronous call, so an import can stream it into the store
/// across suspension points.
final class MappedFile: @unchecked Sendable {
    // @unchecked: the bytes are immutable once mapped; `close()` is called
    // once, after every reader of `bytes` has finished.
    let name: String
    private(set) var bytes: UnsafeRawBufferPointer
    private var mapped: (pointer: UnsafeMutableRawPointer, size: Int)?
    private var copy: UnsafeMutableRawBufferPointer?

    init(path: String) throws {
        name = path == "-" ? "<stdin>" : path
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
            data.copyBytes(to: buffer)
            copy = buffer
            bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<data.count])
            return
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CommandError("cannot open \(path): \(String(cString: strerror(errno))). Check the path, or use - for standard input.")
        }
        defer { Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CommandError("cannot read \(path): \(String(cString: strerror(errno))).") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw CommandError("\(path) is a directory; give a data file (.jsonl, .json or .csv).") }
        let size = Int(info.st_size)
        if (info.st_mode & S_IFMT) != S_IFREG || size == 0 {
            let data = FileHandle(fileDescriptor: fd, closeOnDealloc: false).readDataToEndOfFile()
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
            data.copyBytes(to: buffer)
            copy = buffer
            bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<data.count])
            return
        }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw CommandError("cannot map \(path): \(String(cString: strerror(errno))).")
        }
        madvise(map, size, MADV_SEQUENTIAL)
        mapped = (map, size)
        bytes = UnsafeRawBufferPointer(start: map, count: size)
    }

    /// Tells the kernel the bytes before `offset` will not be read again, so
    /// a long file does not stay resident as it streams by.
    func release(upTo offset: Int) {
        guard let mapped else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = min(offset, mapped.size) / page * page
        if end > 0 { madvise(mapped.pointer, end, MADV_DONTNEED) }
    }

    func close() {
        if let mapped { munmap(mapped.pointer, mapped.size) }
        mapped = nil
        copy?.deallocate()
        copy = nil
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
    }

    deinit { close() }
}
