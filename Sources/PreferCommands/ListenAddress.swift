import Foundation
import NIOCore
import NIOPosix

/// The address `prefer serve` listens at, checked before anything is written.
///
/// A first start writes the database and the owner key's hash, and prints the
/// key once, when the server is up. Were the address taken, the server would
/// fail after the key was stored and before it was printed, and the key would
/// be lost. So the address is bound and released first: a taken port stops
/// the start with nothing written and an error that says what to change.
enum ListenAddress {
    /// Binds `host:port` and lets it go at once; throws a `CommandError` naming
    /// the address (and `--port`, `--host`) when the server could not listen there.
    static func check(host: String, port: Int) async throws {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port)
                .get()
            try await channel.close()
        } catch {
            throw bindError(error, host: host, port: port)
        }
    }

    /// What to tell the user when the server cannot listen at `host:port`.
    static func bindError(_ error: any Error, host: String, port: Int) -> CommandError {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let other = port == 65535 ? port - 1 : port + 1
        if error is SocketAddressError || error is SocketAddressError.UnknownHost {
            return CommandError("cannot listen at \(address): no address of this machine goes by the name \"\(host)\". Nothing was written. Give --host one of its addresses (127.0.0.1, or 0.0.0.0 for all) or a name that resolves to one.")
        }
        switch (error as? IOError)?.errnoCode {
        case EADDRINUSE:
            return CommandError("cannot listen at \(address): the address is already in use (another program, or another prefer serve, holds it). Nothing was written. Choose a free port with --port, e.g. --port \(other).")
        case EACCES:
            return CommandError("cannot listen at \(address): permission denied (ports below 1024 need privileges). Nothing was written. Choose a port above 1023 with --port, e.g. --port 8080.")
        case EADDRNOTAVAIL:
            return CommandError("cannot listen at \(address): this machine has no such address. Nothing was written. Choose one of its addresses with --host (127.0.0.1, or 0.0.0.0 for all) and a port with --port.")
        default:
            return CommandError("cannot listen at \(address): \(error). Nothing was written. Check --host and --port.")
        }
    }

    /// Whether `error` is the failure to bind a listening socket.
    static func isBindFailure(_ error: any Error) -> Bool {
        guard let code = (error as? IOError)?.errnoCode else { return false }
        return [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(code)
    }
}
