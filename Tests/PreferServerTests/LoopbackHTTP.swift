import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// HTTP/1.1 to a local port with blocking sockets, one request per
/// connection (the body read by its `Content-Length` or chunks), on a thread of
/// its own so the test's concurrency pool never blocks. Enough for
/// chromedriver; not a general client.
enum LoopbackHTTP {
    /// The body of the reply to `method path` on 127.0.0.1:`port`, sending `json` when given.
    static func exchange(method: String, port: Int, path: String, json: Data?, timeout: Int = 120) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try exchangeBlocking(method: method, port: port, path: path, json: json, timeout: timeout) })
            }
        }
    }

    private static func exchangeBlocking(method: String, port: Int, path: String, json: Data?, timeout: Int) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WebDriverError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw WebDriverError("could not connect to 127.0.0.1:\(port): errno \(errno)") }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nAccept: application/json\r\n"
        if let json { head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(json.count)\r\n" }
        var message = Data((head + "\r\n").utf8)
        if let json { message.append(json) }
        try message.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw WebDriverError("sending to 127.0.0.1:\(port) failed: errno \(errno)") }
                sent += n
            }
        }

        // Read the head, then exactly the body it announces (chromedriver
        // may keep the connection open despite `Connection: close`).
        var reply = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func receive() throws -> Bool {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return false }
            guard n > 0 else { throw WebDriverError("reading from 127.0.0.1:\(port) failed or timed out: errno \(errno)") }
            reply.append(contentsOf: buffer[0..<n])
            return true
        }
        var headEnd: Range<Data.Index>?
        while headEnd == nil {
            guard try receive() else { throw WebDriverError("127.0.0.1:\(port) closed before replying to \(method) \(path)") }
            headEnd = reply.range(of: Data("\r\n\r\n".utf8))
        }
        let header = String(decoding: reply[..<headEnd!.lowerBound], as: UTF8.self).lowercased()
        let bodyStart = headEnd!.upperBound
        if header.contains("transfer-encoding: chunked") {
            while reply[bodyStart...].range(of: Data("\r\n0\r\n\r\n".utf8)) == nil, !reply[bodyStart...].starts(with: Data("0\r\n\r\n".utf8)) {
                guard try receive() else { break }
            }
            return try dechunk(Data(reply[bodyStart...]))
        }
        let lengthLine = header.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
        if let lengthLine, let length = Int(lengthLine.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) {
            while reply.count - bodyStart < length {
                guard try receive() else { throw WebDriverError("127.0.0.1:\(port) closed mid-reply to \(method) \(path)") }
            }
            return Data(reply[bodyStart..<(bodyStart + length)])
        }
        while try receive() {}
        return Data(reply[bodyStart...])
    }

    /// The payload of a chunked body.
    private static func dechunk(_ body: Data) throws -> Data {
        var out = Data()
        var rest = body[...]
        while let line = rest.range(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: rest[..<line.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw WebDriverError("bad chunk size \"\(sizeText)\"")
            }
            if size == 0 { break }
            let start = line.upperBound
            guard rest.endIndex - start >= size else { throw WebDriverError("truncated chunk") }
            out.append(rest[start..<(start + size)])
            rest = rest[(start + size)...].dropFirst(2)
        }
        return out
    }
}
