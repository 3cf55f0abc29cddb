import Foundation
import OpenAPIRuntime

/// Writes dates as RFC 3339 UTC timestamps with whole seconds
/// ("2026-11-29T22:29:03Z"), exactly as OpenAPIRuntime's default
/// `ISO8601DateTranscoder` does, but by arithmetic instead of through
/// `ISO8601DateFormatter`: on Linux the default formats every date through
/// ICU behind one process-wide lock, which cost 3% of the server's CPU on the
/// vote path (every battle and vote carries a date). Reading dates is rare
/// (request bodies) and keeps the default's full ISO 8601 parser.
///
/// The civil date comes from the day count with Howard Hinnant's
/// `civil_from_days` (proleptic Gregorian calendar, exact for any year);
/// O(1) per date, no allocation beyond the string.
struct RFC3339DateTranscoder: DateTranscoder {
    private let reader = ISO8601DateTranscoder.iso8601

    func encode(_ date: Date) throws -> String {
        Self.format(date)
    }

    func decode(_ text: String) throws -> Date {
        try reader.decode(text)
    }

    /// `date` in UTC to the second, as `ISO8601DateFormatter` writes it: the
    /// time rounded to the nearest millisecond (ICU's `UDate`, computed from
    /// the reference date as CoreFoundation does), then down to the second.
    static func format(_ date: Date) -> String {
        let milliseconds = ((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000).rounded()
        let seconds = Int64((milliseconds / 1000).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        if year < 0 || year > 9999 {
            bytes.append(contentsOf: Array(String(year).utf8))
        } else {
            append(Int(year), digits: 4, to: &bytes)
        }
        bytes.append(UInt8(ascii: "-"))
        append(month, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        append(day, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        append(secondOfDay / 3600, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        append(secondOfDay / 60 % 60, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        append(secondOfDay % 60, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Year, month (1–12) and day (1–31) of the day `days` after 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097  // [0, 146096]
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // [0, 399]
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // [0, 365]
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // [0, 11], March first
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func append(_ value: Int, digits: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
