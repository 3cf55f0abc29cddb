import Foundation

/// A judge's prompt: a system message and a user message with placeholders
/// `{{name}}`, and optional sections `{{#name}}…{{/name}}` kept only when
/// `name` has a value (a reference answer, a criterion). Values are put in
/// verbatim: a placeholder inside an output is never expanded.
///
/// A template file is the user message alone, or both messages under lines
/// `[system]` and `[user]`. Its placeholders are checked when the judge is
/// defined (`validate(for:)`): every required one present, no unknown one,
/// sections balanced.
public struct JudgeTemplate: Sendable, Hashable, Codable {
    public var system: String
    public var user: String

    public init(system: String, user: String) {
        self.system = system
        self.user = user
    }

    /// Reads a template file's text: `[system]` … `[user]` …, or the user message alone.
    public init(fileText text: String) {
        var system: [Substring] = []
        var user: [Substring] = []
        var section: Int? = nil
        var sawHeader = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed == "[system]" {
                section = 0
                sawHeader = true
                continue
            }
            if trimmed == "[user]" {
                section = 1
                sawHeader = true
                continue
            }
            switch section {
            case 0: system.append(line)
            default: user.append(line)
            }
        }
        if !sawHeader {
            self.init(system: "", user: text)
        } else {
            self.init(
                system: system.joined(separator: "\n").trimmingNewlines,
                user: user.joined(separator: "\n").trimmingNewlines)
        }
    }

    /// The file form: `[system]` and `[user]` sections.
    public var fileText: String {
        "[system]\n\(system)\n[user]\n\(user)\n"
    }

    // MARK: Placeholders

    /// The placeholders a template of `mode` may use, and which it must.
    public static func placeholders(for mode: JudgeMode, method: VerdictMethod = .text) -> (allowed: Set<String>, required: Set<String>) {
        switch mode {
        case .pairwise:
            return (["prompt", "answer_a", "answer_b", "reference", "criterion"], ["prompt", "answer_a", "answer_b"])
        case .score:
            return (["prompt", "answer", "reference", "criterion"], ["prompt", "answer"])
        case .rank:
            return (["prompt", "answers", "count", "labels", "example", "reference", "criterion"], ["prompt", "answers"])
        }
    }

    /// A part of a message: text, or a placeholder, or a section around parts.
    indirect enum Piece: Sendable, Hashable {
        case text(String)
        case value(String)
        case section(String, [Piece])
    }

    /// Splits a message into pieces; throws on an unbalanced or malformed placeholder.
    static func pieces(_ message: String) throws(JudgeError) -> [Piece] {
        var stack: [(name: String, pieces: [Piece])] = [("", [])]
        var rest = Substring(message)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex {
                stack[stack.count - 1].pieces.append(.text(String(rest[rest.startIndex..<open.lowerBound])))
            }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw .template("a \"{{\" is never closed by \"}}\"")
            }
            let tag = String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: " ")
            rest = rest[close.upperBound...]
            if tag.hasPrefix("#") {
                stack.append((String(tag.dropFirst()), []))
            } else if tag.hasPrefix("/") {
                let name = String(tag.dropFirst())
                guard stack.count > 1, stack[stack.count - 1].name == name else {
                    throw .template("{{/\(name)}} closes no open {{#\(name)}}")
                }
                let section = stack.removeLast()
                stack[stack.count - 1].pieces.append(.section(section.name, section.pieces))
            } else {
                guard !tag.isEmpty, tag.allSatisfy({ $0.isLetter || $0 == "_" }) else {
                    throw .template("\"{{\(tag)}}\" is not a placeholder (names are letters and _)")
                }
                stack[stack.count - 1].pieces.append(.value(tag))
            }
        }
        if !rest.isEmpty { stack[stack.count - 1].pieces.append(.text(String(rest))) }
        guard stack.count == 1 else { throw .template("{{#\(stack[stack.count - 1].name)}} is never closed") }
        return stack[0].pieces
    }

    static func names(_ pieces: [Piece]) -> Set<String> {
        var names = Set<String>()
        for piece in pieces {
            switch piece {
            case .text: continue
            case .value(let name): names.insert(name)
            case .section(let name, let inner): names.insert(name); names.formUnion(Self.names(inner))
            }
        }
        return names
    }

    /// Checks the placeholders against `mode`: each required one present (in either message), none unknown.
    public func validate(for mode: JudgeMode, method: VerdictMethod = .text) throws(JudgeError) {
        let (allowed, required) = Self.placeholders(for: mode, method: method)
        let used = Self.names(try Self.pieces(system)).union(Self.names(try Self.pieces(user)))
        let unknown = used.subtracting(allowed).sorted()
        if !unknown.isEmpty {
            throw .template(
                "unknown placeholder\(unknown.count > 1 ? "s" : "") \(unknown.map { "{{\($0)}}" }.joined(separator: ", ")); "
                    + "a \(mode.rawValue) template may use \(allowed.sorted().map { "{{\($0)}}" }.joined(separator: ", "))")
        }
        let missing = required.subtracting(used).sorted()
        if !missing.isEmpty {
            throw .template(
                "a \(mode.rawValue) template must use \(missing.map { "{{\($0)}}" }.joined(separator: ", "))")
        }
    }

    // MARK: Rendering

    /// Renders one message: text values verbatim, media values as their own
    /// content parts (an image goes to the judge as an image part).
    static func render(_ message: String, values: [String: [ContentPart]]) throws(JudgeError) -> [ContentPart] {
        var parts: [ContentPart] = []
        func add(_ part: ContentPart) {
            if case .text(let text) = part {
                guard !text.isEmpty else { return }
                if case .text(let previous)? = parts.last {
                    parts[parts.count - 1] = .text(previous + text)
                    return
                }
            }
            parts.append(part)
        }
        func walk(_ pieces: [Piece]) {
            for piece in pieces {
                switch piece {
                case .text(let text): add(.text(text))
                case .value(let name): for part in values[name] ?? [] { add(part) }
                case .section(let name, let inner):
                    if let value = values[name], !value.isEmpty, value != [.text("")] { walk(inner) }
                }
            }
        }
        walk(try pieces(message))
        return parts
    }

    /// The chat messages for these values (system first, when not empty).
    public func messages(_ values: [String: JudgeContent], parts extra: [String: [ContentPart]] = [:]) throws(JudgeError) -> [ChatMessage] {
        var all = extra
        for (name, value) in values { all[name] = value.parts }
        var messages: [ChatMessage] = []
        let system = try Self.render(self.system, values: all)
        if !system.isEmpty { messages.append(ChatMessage(role: .system, parts: system)) }
        messages.append(ChatMessage(role: .user, parts: try Self.render(user, values: all)))
        return messages
    }
}

/// A value put into a template: text, or an image by URL with its caption.
public enum JudgeContent: Sendable, Hashable, Codable {
    case text(String)
    case image(url: String, caption: String)

    var isEmpty: Bool {
        if case .text(let text) = self { return text.isEmpty }
        return false
    }

    /// As content parts: the text, or the caption (if any) and the image.
    public var parts: [ContentPart] {
        switch self {
        case .text(let text): [.text(text)]
        case .image(let url, let caption): (caption.isEmpty ? [] : [.text(caption + "\n")]) + [.imageURL(url)]
        }
    }

    /// An output as the judge sees it: text inline, an image as an image part, other media by their caption and URL.
    public init(output content: String, media: Media, url: String?) {
        switch media {
        case .text:
            self = .text(content)
        case .image:
            self = .image(url: url ?? "", caption: content)
        case .audio, .video, .model3d:
            self = .text(content.isEmpty ? "(\(media.rawValue) at \(url ?? "?"))" : "\(content)\n(\(media.rawValue) at \(url ?? "?"))")
        }
    }
}

/// One chat message: a role and its content parts.
public struct ChatMessage: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant
    }

    public var role: Role
    public var parts: [ContentPart]

    public init(role: Role, parts: [ContentPart]) {
        self.role = role
        self.parts = parts
    }

    public init(role: Role, text: String) {
        self.init(role: role, parts: [.text(text)])
    }

    /// The text of the message (image parts left out).
    public var text: String {
        parts.map { if case .text(let text) = $0 { text } else { "" } }.joined()
    }
}

/// A part of a message's content: OpenAI's `{"type": "text"}` or `{"type": "image_url"}`.
public enum ContentPart: Sendable, Hashable, Codable {
    case text(String)
    case imageURL(String)
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }

    var trimmingNewlines: String { trimmingCharacters(in: "\n\r") }
}
