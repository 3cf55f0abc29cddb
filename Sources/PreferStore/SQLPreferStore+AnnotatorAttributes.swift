import Foundation
import PreferCore
import SQLKit

extension SQLPreferStore: AnnotatorAttributeStore {
    public func attributeDeclarations(arena: Int64) async throws -> [AttributeDeclaration] {
        try await connections.withConnection { database in
            try await Self.declarations(database, arena: arena)[arena] ?? []
        }
    }

    public func allAttributeDeclarations() async throws -> [Int64: [AttributeDeclaration]] {
        try await connections.withConnection { database in try await Self.declarations(database, arena: nil) }
    }

    private static func declarations(_ database: any SQLDatabase, arena: Int64?) async throws -> [Int64: [AttributeDeclaration]] {
        let filter: SQLQueryString = arena.map { "WHERE a.arena_id = \(bind: $0)" } ?? ""
        let rows = try await database.raw("""
            SELECT a.arena_id AS arena_id, a.name AS name, v.value AS value FROM arena_attributes a
            LEFT JOIN arena_attribute_values v ON v.arena_id = a.arena_id AND v.attribute = a.name
            \(filter) ORDER BY a.arena_id, a.position, v.position
            """).all()
        var result: [Int64: [AttributeDeclaration]] = [:]
        for row in rows {
            let id = try row.decode(column: "arena_id", as: Int64.self)
            let name = try row.decode(column: "name", as: String.self)
            let value = try row.decode(column: "value", as: String?.self)
            var list = result[id] ?? []
            if list.last?.name != name { list.append(AttributeDeclaration(name: name, values: [])) }
            if let value { list[list.count - 1].values.append(value) }
            result[id] = list
        }
        return result
    }

    public func setAttributeDeclarations(arena: Int64, _ declarations: [AttributeDeclaration]) async throws {
        try await connections.write { database in
            try await Self.requireArena(arena, in: database)
            let names = declarations.map(\.name)
            // Attributes no longer asked go, with their values and answers (cascade).
            var drop = database.delete(from: "arena_attributes").where("arena_id", .equal, arena)
            if !names.isEmpty { drop = drop.where("name", .notIn, names) }
            try await drop.run()
            for (position, declaration) in declarations.enumerated() {
                try await database.insert(into: "arena_attributes")
                    .columns("arena_id", "name", "position")
                    .values(arena, declaration.name, position)
                    .onConflict(with: ["arena_id", "name"]) { $0.set(excludedValueOf: "position") }
                    .run()
                var dropValues = database.delete(from: "arena_attribute_values")
                    .where("arena_id", .equal, arena).where("attribute", .equal, declaration.name)
                if !declaration.values.isEmpty { dropValues = dropValues.where("value", .notIn, declaration.values) }
                try await dropValues.run()
                for (k, value) in declaration.values.enumerated() {
                    try await database.insert(into: "arena_attribute_values")
                        .columns("arena_id", "attribute", "value", "position")
                        .values(arena, declaration.name, value, k)
                        .onConflict(with: ["arena_id", "attribute", "value"]) { $0.set(excludedValueOf: "position") }
                        .run()
                }
            }
            try await Self.recordAttributesChange(arena: arena, voter: nil, in: database)
        }
    }

    public func minimumGroupSize(arena: Int64) async throws -> Int {
        try await connections.withConnection { database in
            guard let size = try await database.select().column("min_group_size").from("arenas").where("id", .equal, arena)
                .first(decodingColumn: "min_group_size", as: Int.self)
            else { throw StoreError.notFound("Arena \(arena)", field: "arena") }
            return size
        }
    }

    public func setMinimumGroupSize(arena: Int64, _ size: Int) async throws {
        try await connections.write { database in
            try await Self.requireArena(arena, in: database)
            try await database.update("arenas").set("min_group_size", to: size).where("id", .equal, arena).run()
            try await Self.recordAttributesChange(arena: arena, voter: nil, in: database)
        }
    }

    public func annotatorAttributes(arena: Int64, voter: String) async throws -> [String: String?] {
        try await connections.withConnection { database in
            let rows = try await database.select().column("attribute").column("value").from("annotator_attributes")
                .where("arena_id", .equal, arena).where("voter", .equal, voter).all()
            var answers: [String: String?] = [:]
            for row in rows {
                answers[try row.decode(column: "attribute", as: String.self)] = .some(try row.decode(column: "value", as: String?.self))
            }
            return answers
        }
    }

    public func setAnnotatorAttributes(arena: Int64, voter: String, _ values: [String: String?]) async throws {
        guard !values.isEmpty else { return }
        try await connections.write { database in
            let now = Date().timeIntervalSince1970
            for (attribute, value) in values.sorted(by: { $0.key < $1.key }) {
                try await database.insert(into: "annotator_attributes")
                    .columns("arena_id", "voter", "attribute", "value", "updated_at")
                    .values(SQLBind(arena), SQLBind(voter), SQLBind(attribute), value.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null, SQLBind(now))
                    .onConflict(with: ["arena_id", "voter", "attribute"]) {
                        $0.set(excludedValueOf: "value").set(excludedValueOf: "updated_at")
                    }
                    .run()
            }
            try await Self.recordAttributesChange(arena: arena, voter: voter, in: database)
        }
    }

    public func annotatorAttributes(arena: Int64) async throws -> [String: [String: String]] {
        try await connections.withConnection { database in
            let rows = try await database.select().column("voter").column("attribute").column("value").from("annotator_attributes")
                .where("arena_id", .equal, arena).where("value", .isNot, SQLLiteral.null).all()
            var result: [String: [String: String]] = [:]
            for row in rows {
                let voter = try row.decode(column: "voter", as: String.self)
                result[voter, default: [:]][try row.decode(column: "attribute", as: String.self)] = try row.decode(column: "value", as: String.self)
            }
            return result
        }
    }

    public func setInviteAttributes(arena: Int64, names: [String], _ values: [String: String]) async throws {
        guard !values.isEmpty, !names.isEmpty else { return }
        try await connections.write { database in
            for name in names {
                guard let id = try await database.select().column("id").from("invites")
                    .where("arena_id", .equal, arena).where("name", .equal, name)
                    .first(decodingColumn: "id", as: Int64.self)
                else { throw StoreError.notFound("An invite named \"\(name)\" in this arena", field: "names") }
                for (attribute, value) in values.sorted(by: { $0.key < $1.key }) {
                    try await database.insert(into: "invite_attributes")
                        .columns("invite_id", "arena_id", "attribute", "value")
                        .values(id, arena, attribute, value)
                        .onConflict(with: ["invite_id", "attribute"]) { $0.set(excludedValueOf: "value") }
                        .run()
                }
            }
        }
    }

    public func inviteAttributes(arena: Int64, name: String) async throws -> [String: String] {
        try await connections.withConnection { database in
            let rows = try await database.raw("""
                SELECT ia.attribute AS attribute, ia.value AS value FROM invite_attributes ia
                JOIN invites i ON i.id = ia.invite_id WHERE i.arena_id = \(bind: arena) AND i.name = \(bind: name)
                """).all()
            var result: [String: String] = [:]
            for row in rows {
                result[try row.decode(column: "attribute", as: String.self)] = try row.decode(column: "value", as: String.self)
            }
            return result
        }
    }

    @discardableResult
    public func adoptInviteAttributes(arena: Int64, name: String) async throws -> Int {
        try await connections.write { database in
            let now = Date().timeIntervalSince1970
            // SQLite needs the WHERE before ON CONFLICT in INSERT … SELECT (it is there).
            let rows = try await database.raw("""
                INSERT INTO annotator_attributes (arena_id, voter, attribute, value, updated_at)
                SELECT i.arena_id, \(bind: "invite:\(name)"), ia.attribute, ia.value, \(bind: now)
                FROM invite_attributes ia JOIN invites i ON i.id = ia.invite_id
                WHERE i.arena_id = \(bind: arena) AND i.name = \(bind: name)
                ON CONFLICT (arena_id, voter, attribute) DO NOTHING
                RETURNING attribute
                """).all()
            if !rows.isEmpty { try await Self.recordAttributesChange(arena: arena, voter: "invite:\(name)", in: database) }
            return rows.count
        }
    }
}
