import Foundation
import PreferCore
import PreferStore
import Synchronization

/// Annotator attributes (issue 12): what an arena asks its annotators
/// (country, language, age band…: each with its allowed values), their
/// answers, and the values admins set on invites — for the API and the pages.
///
/// Answers are personal data: they are stored with the pseudonymous voter id
/// (a session pseudonym or `invite:NAME`), never with the cookie or the
/// invite token; they are optional (an annotator may decline any attribute,
/// or skip the form); and a group of fewer than the arena's
/// `min_group_size` annotators is never shown on its own (`AnnotatorGroups`).
struct AnnotatorAttributeService: Sendable {
    let store: any PreferStore
    let directory: ArenaDirectory
    /// Told when an annotator's attributes change, so that the boards that
    /// read them are refreshed without waiting for the next vote.
    var leaderboards: LeaderboardCache?
    /// Invites whose values were copied to their annotator in this process.
    let adopted = AdoptedInvites()

    final class AdoptedInvites: Sendable {
        let keys = Mutex<Set<String>>([])
    }

    /// What an arena asks and what one annotator answered.
    struct Answers: Sendable, Equatable {
        var asked: [AttributeDeclaration]
        var values: [String: String]
        var declined: [String]
        /// Asked and neither answered nor declined.
        var pending: [String]
    }

    var attributeStore: any AnnotatorAttributeStore {
        get throws {
            guard let attributes = store as? any AnnotatorAttributeStore else {
                throw PreferError.badRequest("This store keeps no annotator attributes.")
            }
            return attributes
        }
    }

    // MARK: Declarations (admins)

    static let maximumAttributes = 10
    static let maximumValues = 200

    /// Checks a declaration: names of 1–40 lower-case letters, digits or _
    /// (starting with a letter), each asked once; 1–200 distinct values of
    /// 1–100 characters each, without a colon (`?group=FIELD:VALUE`).
    static func checked(_ declarations: [AttributeDeclaration]) throws -> [AttributeDeclaration] {
        let field = "annotator_attributes"
        guard declarations.count <= maximumAttributes else {
            throw PreferError.invalidField(field, "An arena asks at most \(maximumAttributes) attributes; got \(declarations.count).")
        }
        var seen: Set<String> = []
        return try declarations.enumerated().map { k, declaration in
            let name = declaration.name
            guard isAttributeName(name) else {
                throw PreferError.invalidField(
                    "\(field)[\(k)].name",
                    "An attribute's name is 1–40 lower-case letters, digits or _, starting with a letter (e.g. country, age_band); got \"\(name.prefix(60))\".")
            }
            guard !reservedNames.contains(name) else {
                throw PreferError.invalidField(
                    "\(field)[\(k)].name", "\"\(name)\" is a field every vote already has; name the attribute otherwise.")
            }
            guard seen.insert(name).inserted else {
                throw PreferError.invalidField("\(field)[\(k)].name", "The attribute \"\(name)\" is declared twice; declare each once.")
            }
            guard (1...maximumValues).contains(declaration.values.count) else {
                throw PreferError.invalidField("\(field)[\(k)].values", "\"\(name)\" needs 1 to \(maximumValues) allowed values; got \(declaration.values.count).")
            }
            var values: Set<String> = []
            for value in declaration.values {
                guard (1...100).contains(value.count), !value.contains(":"), !value.contains("\u{0}"),
                    !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                else {
                    throw PreferError.invalidField(
                        "\(field)[\(k)].values",
                        "Each value of \"\(name)\" is 1–100 characters, not blank, without a colon; got \"\(value.prefix(60))\".")
                }
                guard values.insert(value).inserted else {
                    throw PreferError.invalidField("\(field)[\(k)].values", "\"\(name)\" lists the value \"\(value.prefix(60))\" twice.")
                }
            }
            return declaration
        }
    }

    /// Fields the server's votes carry already (their table's columns).
    static let reservedNames: Set<String> = ["prompt", "time_to_vote_ms", "category", "criteria", "voter", "judge", "winner", "other"]

    static func isAttributeName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...40).contains(bytes.count), let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
        }
    }

    static func checkedMinimum(_ size: Int) throws -> Int {
        guard (2...1000).contains(size) else {
            throw PreferError.invalidField("min_group_size", "min_group_size must be between 2 and 1000 annotators; got \(size).")
        }
        return size
    }

    /// Sets what `arena` asks (nil: unchanged) and its minimum group size (nil: unchanged).
    func configure(arena: Int64, declarations: [AttributeDeclaration]?, minimumGroupSize: Int?) async throws {
        let checkedDeclarations = try declarations.map(Self.checked)
        let checkedMinimum = try minimumGroupSize.map(Self.checkedMinimum)
        let store = try attributeStore
        if let checkedDeclarations { try await store.setAttributeDeclarations(arena: arena, checkedDeclarations) }
        if let checkedMinimum { try await store.setMinimumGroupSize(arena: arena, checkedMinimum) }
    }

    /// What `arena` asks.
    func declarations(arena: Int64) async throws -> [AttributeDeclaration] {
        try await attributeStore.attributeDeclarations(arena: arena)
    }

    func minimumGroupSize(arena: Int64) async throws -> Int {
        try await attributeStore.minimumGroupSize(arena: arena)
    }

    /// Every arena's declaration and minimum group size, for listings.
    func allDeclarations() async throws -> [Int64: [AttributeDeclaration]] {
        try await attributeStore.allAttributeDeclarations()
    }

    // MARK: Answers (annotators)

    /// What `arena` asks and what `voter` answered.
    func answers(arena: Int64, voter: String) async throws -> Answers {
        let store = try attributeStore
        let asked = try await store.attributeDeclarations(arena: arena)
        guard !asked.isEmpty else { return Answers(asked: [], values: [:], declined: [], pending: []) }
        let stored = try await store.annotatorAttributes(arena: arena, voter: voter)
        var values: [String: String] = [:]
        var declined: [String] = []
        var pending: [String] = []
        for declaration in asked {
            switch stored[declaration.name] {
            case .some(.some(let value)): values[declaration.name] = value
            case .some(.none): declined.append(declaration.name)
            case .none: pending.append(declaration.name)
            }
        }
        return Answers(asked: asked, values: values, declined: declined, pending: pending)
    }

    /// Sets some of `voter`'s answers, each checked against the arena's
    /// declaration (400 naming `attributes.NAME`); `declined` are "prefer not
    /// to say"; `skip` declines every attribute still pending and not given.
    func answer(arena: Int64, voter: String, values: [String: String], declined: [String], skip: Bool) async throws -> Answers {
        let store = try attributeStore
        let asked = try await store.attributeDeclarations(arena: arena)
        let allowed = Dictionary(asked.map { ($0.name, Set($0.values)) }, uniquingKeysWith: { a, _ in a })
        let names = asked.map(\.name)
        let list = names.isEmpty ? "this arena asks none" : "this arena asks " + names.joined(separator: ", ")
        var changes: [String: String?] = [:]
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let values = allowed[name] else {
                throw PreferError.invalidField("attributes.\(name.prefix(40))", "No attribute \"\(name.prefix(40))\": \(list).")
            }
            guard values.contains(value) else {
                let shown = (asked.first { $0.name == name }?.values ?? []).prefix(30).joined(separator: ", ")
                throw PreferError.invalidField(
                    "attributes.\(name)", "\"\(value.prefix(60))\" is not a value of \(name); choose one of \(shown), or decline it.")
            }
            changes[name] = .some(value)
        }
        for name in declined {
            guard allowed[name] != nil else {
                throw PreferError.invalidField("declined", "No attribute \"\(name.prefix(40))\": \(list).")
            }
            guard values[name] == nil else {
                throw PreferError.invalidField("declined", "\"\(name)\" is both answered and declined; do one.")
            }
            changes[name] = .some(nil)
        }
        if skip {
            let current = try await store.annotatorAttributes(arena: arena, voter: voter)
            for name in names where changes[name] == nil && current[name] == nil { changes[name] = .some(nil) }
        }
        if !changes.isEmpty { await leaderboards?.willStoreAttributes(arena: arena, voter: voter) }
        do {
            try await store.setAnnotatorAttributes(arena: arena, voter: voter, changes)
        } catch {
            if !changes.isEmpty { await leaderboards?.didNotStoreAttributes(arena: arena, voter: voter) }
            throw error
        }
        await leaderboards?.annotatorAttributesChanged(arena: arena, voter: voter, fields: Set(changes.keys))
        return try await answers(arena: arena, voter: voter)
    }

    // MARK: Invites (admins)

    /// Checks values an admin sets on invites against the arena's declaration.
    func checkInviteValues(arena: Int64, _ values: [String: String]) async throws {
        guard !values.isEmpty else { return }
        let asked = try await declarations(arena: arena)
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let declaration = asked.first(where: { $0.name == name }) else {
                let list = asked.isEmpty ? "this arena asks none (declare them with PATCH /api/arenas/{arena}, annotator_attributes)" : "this arena asks " + asked.map(\.name).joined(separator: ", ")
                throw PreferError.invalidField("attributes.\(name.prefix(40))", "No attribute \"\(name.prefix(40))\": \(list).")
            }
            guard declaration.values.contains(value) else {
                throw PreferError.invalidField(
                    "attributes.\(name)", "\"\(value.prefix(60))\" is not a value of \(name); choose one of \(declaration.values.prefix(30).joined(separator: ", ")).")
            }
        }
    }

    func setInviteValues(arena: Int64, names: [String], _ values: [String: String]) async throws {
        try await attributeStore.setInviteAttributes(arena: arena, names: names, values)
    }

    /// The first use of an invite (in this process) copies the values the
    /// admin set on it to its annotator, for attributes the annotator has not
    /// answered (their own answers win). Idempotent in the store.
    func adopt(invite: Invite) async {
        let key = "\(invite.arenaId):\(invite.name)"
        guard adopted.keys.withLock({ !$0.contains(key) }) else { return }
        guard let store = store as? any AnnotatorAttributeStore else { return }
        do {
            let voter = "invite:\(invite.name)"
            await leaderboards?.willStoreAttributes(arena: invite.arenaId, voter: voter)
            let copied: Int
            do {
                copied = try await store.adoptInviteAttributes(arena: invite.arenaId, name: invite.name)
            } catch {
                await leaderboards?.didNotStoreAttributes(arena: invite.arenaId, voter: voter)
                throw error
            }
            // Nothing copied: no row in the change feed either.
            if copied == 0 { await leaderboards?.didNotStoreAttributes(arena: invite.arenaId, voter: voter) }
            adopted.keys.withLock { _ = $0.insert(key) }
            if copied > 0 {
                let fields = Set(try await store.inviteAttributes(arena: invite.arenaId, name: invite.name).keys)
                await leaderboards?.annotatorAttributesChanged(arena: invite.arenaId, voter: voter, fields: fields)
            }
        } catch {
            // Tried again on the invite's next request.
        }
    }
}
