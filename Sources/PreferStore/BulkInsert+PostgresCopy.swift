import Logging
import NIOCore
import PostgresNIO

/// How a column is written in PostgreSQL's binary COPY format, for the types
/// an import writes: `bigint` (8 bytes, big-endian), `double precision` (the
/// IEEE 754 bits, big-endian), `text`/`varchar` (the UTF-8 bytes).
enum CopyColumnType: Sendable {
    case int8
    case float8
    case text

    /// The type of a column by its type's OID (`pg_type.oid`), nil for any other type.
    init?(oid: Int64) {
        switch oid {
        case 20: self = .int8
        case 701: self = .float8
        case 25, 1043: self = .text
        default: return nil
        }
    }
}

/// The bytes of one `COPY … FROM STDIN`, in pieces of about a megabyte.
struct CopyData: Sendable {
    var binary: Bool
    var chunks: [ByteBuffer]
}

extension BulkInsert {
    /// The size of each `CopyData` message sent.
    static let copyChunkBytes = 1 << 20

    /// Whether `rows` can go in PostgreSQL's binary COPY format: every column
    /// is one the binary format writes (`types`, one per column; nil for any
    /// other type) and every value is of its column's type — an integer for
    /// a `bigint`, a double for a `double precision`, a text for a `text`.
    /// Otherwise the text format, whose fields the server converts itself.
    ///
    /// Why binary: in text format the server scans every byte of a row for
    /// delimiters and escapes and parses each number from its digits, 13% of
    /// its CPU in a 1M-pair import (perf); binary fields come with their
    /// lengths and numbers as their bytes, and the client escapes nothing.
    /// The values stored are the same: texts are the same bytes (the server
    /// checks their encoding either way, and refuses a NUL either way), an
    /// integer the same number, a double the same bits (the text format wrote
    /// the shortest decimal that reads back as those bits).
    static func fitBinaryCopy(_ rows: [[ImportValue]], types: [CopyColumnType?]) -> Bool {
        rows.allSatisfy { row in
            guard row.count == types.count else { return false }
            for (value, type) in zip(row, types) {
                switch (value, type) {
                case (.integer, .int8?), (.real, .float8?): continue
                // A field's length is an Int32; a text of a gigabyte is refused by the server in either format.
                case (.text(let text), .text?) where (text?.utf8.count ?? 0) < Int(Int32.max): continue
                default: return false
                }
            }
            return true
        }
    }

    /// Binary COPY: the signature and an empty header, then per row the
    /// field count and each field as its length (-1 for NULL) and bytes,
    /// then -1 (PostgreSQL's documentation of COPY, "Binary Format").
    static func binaryCopy(rows: [[ImportValue]], ids: [Int64]?) -> [ByteBuffer] {
        copyChunks(
            rows: rows,
            header: { buffer in
                buffer.writeBytes([0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00])  // "PGCOPY\n\377\r\n\0"
                buffer.writeInteger(Int32(0))  // flags: no OIDs
                buffer.writeInteger(Int32(0))  // no header extension
            },
            row: { i, row, buffer in
                buffer.writeInteger(Int16(row.count + (ids == nil ? 0 : 1)))
                if let ids {
                    buffer.writeInteger(Int32(8))
                    buffer.writeInteger(ids[i])
                }
                for value in row {
                    switch value {
                    case .integer(let value):
                        if let value {
                            buffer.writeInteger(Int32(8))
                            buffer.writeInteger(value)
                        } else {
                            buffer.writeInteger(Int32(-1))
                        }
                    case .real(let value):
                        if let value {
                            buffer.writeInteger(Int32(8))
                            buffer.writeInteger(value.bitPattern)
                        } else {
                            buffer.writeInteger(Int32(-1))
                        }
                    case .text(let value):
                        if var value {
                            value.withUTF8 { bytes in
                                buffer.writeInteger(Int32(bytes.count))
                                buffer.writeBytes(UnsafeRawBufferPointer(bytes))
                            }
                        } else {
                            buffer.writeInteger(Int32(-1))
                        }
                    }
                }
            },
            trailer: { buffer in buffer.writeInteger(Int16(-1)) })
    }

    /// Text COPY: tab-separated fields, `\N` for NULL, one line per row.
    static func textCopy(rows: [[ImportValue]], ids: [Int64]?) -> [ByteBuffer] {
        copyChunks(
            rows: rows, header: { _ in },
            row: { i, row, buffer in
                if let ids {
                    buffer.writeString(String(ids[i]))
                    buffer.writeInteger(UInt8(ascii: "\t"))
                }
                for (j, value) in row.enumerated() {
                    if j > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                    value.appendCopyText(to: &buffer)
                }
                buffer.writeInteger(UInt8(ascii: "\n"))
            },
            trailer: { _ in })
    }

    /// The bytes of one COPY in pieces of about `copyChunkBytes`: `header`,
    /// each row as `row` writes it (given its index), then `trailer`.
    private static func copyChunks(
        rows: [[ImportValue]], header: (inout ByteBuffer) -> Void, row write: (Int, [ImportValue], inout ByteBuffer) -> Void,
        trailer: (inout ByteBuffer) -> Void
    ) -> [ByteBuffer] {
        let allocator = ByteBufferAllocator()
        var chunks: [ByteBuffer] = []
        var buffer = allocator.buffer(capacity: copyChunkBytes + (copyChunkBytes >> 3))
        header(&buffer)
        for (i, row) in rows.enumerated() {
            write(i, row, &buffer)
            if buffer.readableBytes >= copyChunkBytes {
                chunks.append(buffer)
                buffer = allocator.buffer(capacity: copyChunkBytes + (copyChunkBytes >> 3))
            }
        }
        trailer(&buffer)
        if buffer.readableBytes > 0 { chunks.append(buffer) }
        return chunks
    }

    /// The columns to name to PostgresNIO's `copyFrom`. It writes
    /// `COPY "table"("a","b") FROM STDIN WITH (FORMAT text)` and offers no
    /// other format, so for binary data the last column's name closes the
    /// statement itself and comments out the rest:
    /// `COPY "table"("a","b") FROM STDIN WITH (FORMAT binary) --") FROM STDIN WITH (FORMAT text)`.
    /// The names are the import's own constants, never input. (Should
    /// PostgresNIO ever write the statement otherwise, the server refuses it
    /// and every PostgreSQL import test fails.)
    static func copyColumns(_ columns: [String], binary: Bool) -> [String] {
        guard binary, let last = columns.last else { return columns }
        return columns.dropLast() + [last + "\") FROM STDIN WITH (FORMAT binary) --"]
    }

    /// PostgreSQL: sends one COPY's data on `connection`.
    static func copy(into table: String, columns: [String], data: CopyData, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.copyFrom(table: table, columns: copyColumns(columns, binary: data.binary), logger: logger) { writer in
            for chunk in data.chunks { try await writer.write(chunk) }
        }
    }
}

/// A task executor that runs its jobs on one NIO event loop: tasks that
/// mostly wait for a connection of that loop run where its replies arrive,
/// without waiting for a thread of Swift's cooperative pool.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
