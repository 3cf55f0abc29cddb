import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the browser tests find headless Chromium and its driver, and
/// whether they were told to skip.
enum BrowserSupport {
    static let environment = ProcessInfo.processInfo.environment
    static let chromium = environment["PREFER_CHROMIUM"] ?? "/usr/bin/chromium"
    static let chromedriver = environment["PREFER_CHROMEDRIVER"] ?? "/usr/bin/chromedriver"

    /// `PREFER_SKIP_BROWSER=1` skips the browser tests; nothing else does.
    static var skipped: Bool { environment["PREFER_SKIP_BROWSER"] == "1" }

    /// Throws, saying how to get them, unless Chromium and chromedriver are installed.
    static func requireInstalled() throws {
        let missing = [chromium, chromedriver].filter { !FileManager.default.isExecutableFile(atPath: $0) }
        guard missing.isEmpty else {
            throw WebDriverError(
                "The browser tests need headless Chromium, and \(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") missing. "
                    + "Run ./scripts/test, which installs Debian's chromium and chromium-driver, "
                    + "or set PREFER_SKIP_BROWSER=1 to skip the browser tests explicitly."
            )
        }
    }
}

struct WebDriverError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A small W3C WebDriver client for chromedriver, over `LoopbackHTTP`
/// (Foundation's URLSession on Linux fails on chromedriver's replies with
/// "Failed writing header", and HummingbirdTesting's client spun on them):
/// it starts chromedriver on a free port and one headless Chromium session,
/// and offers what the page tests need — navigate, run a script, press keys,
/// read alerts, take screenshots.
final class WebDriver: @unchecked Sendable {
    /// A phone-sized or desktop window.
    enum Device {
        case desktop(width: Int, height: Int)
        /// Chrome's mobile emulation: a touch phone `width` CSS pixels wide at 2× density.
        case phone(width: Int, height: Int)
    }

    let driver: Process
    let base: URL
    let session: String
    let device: Device

    private init(driver: Process, base: URL, session: String, device: Device) {
        self.driver = driver
        self.base = base
        self.session = session
        self.device = device
    }

    /// Starts chromedriver and a browser session.
    static func start(_ device: Device) async throws -> WebDriver {
        try BrowserSupport.requireInstalled()
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrowserSupport.chromedriver)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let base = URL(string: "http://127.0.0.1:\(port)")!
        do {
            try await waitUntilReady(base)
            var args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                        "--no-first-run", "--disable-extensions", "--force-color-profile=srgb", "--lang=en-US"]
            var options: [String: Any] = ["binary": BrowserSupport.chromium]
            switch device {
            case .desktop(let width, let height):
                args.append("--window-size=\(width),\(height)")
            case .phone(let width, let height):
                args.append("--window-size=\(width + 40),\(height + 120)")
                options["mobileEmulation"] = ["deviceMetrics": ["width": width, "height": height, "pixelRatio": 2.0, "touch": true]]
            }
            options["args"] = args
            let capabilities: [String: Any] = [
                "capabilities": ["alwaysMatch": [
                    "browserName": "chrome",
                    "unhandledPromptBehavior": "ignore",
                    "goog:chromeOptions": options,
                ]],
            ]
            let reply = try await request("POST", base.appendingPathComponent("session"), body: capabilities)
            guard let value = reply["value"] as? [String: Any], let id = value["sessionId"] as? String else {
                throw WebDriverError("chromedriver did not start a session: \(reply)")
            }
            return WebDriver(driver: process, base: base, session: id, device: device)
        } catch {
            await Self.stop(process)
            throw error
        }
    }

    /// Ends the session and stops chromedriver (and with it Chromium).
    func quit() async {
        _ = try? await command("DELETE", "")
        await Self.stop(driver)
    }

    /// Stops chromedriver: SIGTERM, then SIGKILL after 5 s. (Foundation's
    /// `waitUntilExit` spins a run loop at full CPU off the main thread.)
    private static func stop(_ process: Process) async {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    // MARK: Commands

    func navigate(_ url: String) async throws {
        _ = try await command("POST", "/url", ["url": url])
        try await waitFor("the page to load") { try await self.execute("return document.readyState") as? String == "complete" }
    }

    /// Runs `script` (a function body) in the page and returns its value.
    @discardableResult
    func execute(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": script, "args": args])
    }

    /// Runs an asynchronous script: it calls `arguments[arguments.length - 1]` with its result.
    func executeAsync(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/async", ["script": script, "args": args])
    }

    /// Presses and releases each key in turn, sent to whatever has focus.
    /// Special keys use WebDriver's code points (`Key.arrowLeft`, …).
    func press(_ keys: String...) async throws {
        var actions: [[String: Any]] = []
        for key in keys {
            actions.append(["type": "keyDown", "value": key])
            actions.append(["type": "keyUp", "value": key])
        }
        _ = try await command("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
        _ = try await command("DELETE", "/actions")
    }

    enum Key {
        static let arrowLeft = "\u{E012}"
        static let arrowRight = "\u{E014}"
        static let enter = "\u{E007}"
    }

    /// The text of an open alert, confirm or prompt dialog; nil when none is open.
    func openAlertText() async throws -> String? {
        let reply = try await Self.request("GET", url("/alert/text"), body: nil)
        if let value = reply["value"] as? String { return value }
        if let error = (reply["value"] as? [String: Any])?["error"] as? String, error == "no such alert" { return nil }
        throw WebDriverError("unexpected answer to GET /alert/text: \(reply)")
    }

    func dismissAlert() async throws {
        _ = try await command("POST", "/alert/dismiss")
    }

    /// A PNG of the viewport.
    func screenshot() async throws -> Data {
        guard let text = try await command("GET", "/screenshot") as? String, let data = Data(base64Encoded: text) else {
            throw WebDriverError("the screenshot was not base64 PNG")
        }
        return data
    }

    /// A PNG of the whole page: the viewport is made as tall as the document
    /// for the shot (Chrome's DevTools `Emulation.setDeviceMetricsOverride`), then restored.
    func fullPageScreenshot() async throws -> Data {
        let height = try await execute("return Math.ceil(document.documentElement.scrollHeight)") as? Int ?? 900
        let (width, scale, mobile): (Int, Double, Bool) = switch device {
        case .desktop(let w, _): (w, 1, false)
        case .phone(let w, _): (w, 2, true)
        }
        _ = try await cdp("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile])
        try await Task.sleep(for: .milliseconds(300))
        let png = try await screenshot()
        if case .phone(let w, let h) = device {
            _ = try await cdp("Emulation.setDeviceMetricsOverride", ["width": w, "height": h, "deviceScaleFactor": 2.0, "mobile": true])
        } else {
            _ = try await cdp("Emulation.clearDeviceMetricsOverride", [:])
        }
        return png
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    func cdp(_ method: String, _ params: [String: Any]) async throws -> Any? {
        try await command("POST", "/goog/cdp/execute", ["cmd": method, "params": params])
    }

    /// Polls `condition` until it holds, for up to `seconds`.
    func waitFor(_ what: String, seconds: Double = 30, _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WebDriverError("timed out after \(Int(seconds)) s waiting for \(what)")
    }

    // MARK: Protocol

    private func url(_ path: String) -> URL {
        URL(string: base.absoluteString + "/session/\(session)" + path)!
    }

    /// Sends a command; returns its `value`, or throws WebDriver's error.
    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let reply = try await Self.request(method, url(path), body: body ?? (method == "POST" ? [:] : nil))
        if let error = (reply["value"] as? [String: Any])?["error"] as? String {
            let message = (reply["value"] as? [String: Any])?["message"] as? String ?? ""
            throw WebDriverError("WebDriver \(method) \(path): \(error): \(message.prefix(400))")
        }
        let value = reply["value"]
        return value is NSNull ? nil : value
    }

    /// One request on its own connection; the reply's JSON object.
    private static func request(_ method: String, _ url: URL, body: [String: Any]?) async throws -> [String: Any] {
        guard let port = url.port else { throw WebDriverError("not a chromedriver address: \(url)") }
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let data = try await LoopbackHTTP.exchange(method: method, port: port, path: url.path, json: payload)
        guard let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any] else {
            throw WebDriverError("chromedriver answered \(method) \(url.path) with something that is not a JSON object")
        }
        return object
    }

    private static func waitUntilReady(_ base: URL) async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let reply = try? await request("GET", base.appendingPathComponent("status"), body: nil),
               (reply["value"] as? [String: Any])?["ready"] as? Bool == true {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WebDriverError("chromedriver did not become ready within 30 s")
    }

    /// A TCP port nothing listens on now (the kernel's choice for port 0).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WebDriverError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw WebDriverError("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw WebDriverError("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
