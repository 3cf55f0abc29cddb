import Foundation
import Synchronization

/// Where commands read and write: standard input, output and error — or,
/// when a caller runs a command in-process (the tests do, as
/// swift-argument-parser suggests: parse, then run), buffers it hands in for
/// the task that runs the command.
public enum Console {
    /// Text a command wrote, and the input it reads.
    public final class Capture: Sendable {
        let out = Mutex("")
        let err = Mutex("")
        let input: Data

        public init(input: String = "") {
            self.input = Data(input.utf8)
        }

        public var standardOutput: String { out.withLock { $0 } }
        public var standardError: String { err.withLock { $0 } }
    }

    /// The capture of the command running in this task, if any.
    @TaskLocal public static var capture: Capture?

    /// Writes `text` to standard output.
    static func write(_ text: String) {
        if let capture { capture.out.withLock { $0 += text } } else { FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    /// Writes `text` to standard error.
    static func writeError(_ text: String) {
        if let capture { capture.err.withLock { $0 += text } } else { FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// All of standard input.
    static func readInput() -> Data {
        capture?.input ?? FileHandle.standardInput.readDataToEndOfFile()
    }

    /// Whether standard error is a terminal (progress lines are drawn only there).
    static var errorIsTerminal: Bool { capture == nil && isatty(STDERR_FILENO) == 1 }
}

/// Writes a line to standard output.
func printOut(_ text: String, terminator: String = "\n") {
    Console.write(text + terminator)
}

/// Writes a line to standard error.
func printError(_ text: String) {
    Console.writeError(text + "\n")
}
