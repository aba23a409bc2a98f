import NIOCore
import PostgresNIO

/// A `Day` is sent to PostgreSQL as a `date` in binary (days since 1 January 2000), so that
/// `$1::date` costs nothing: sent as text, the cast runs `date_in` each time a statement
/// evaluates it, once per row in the figures' filters.
extension Day: PostgresNonThrowingEncodable {
    static var psqlType: PostgresDataType { .date }
    static var psqlFormat: PostgresFormat { .binary }

    /// Days since 1 January 1970, by the civil calendar's arithmetic (no `Calendar`, no zone).
    var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(Int32(daysSince1970 - 10_957))
    }
}

/// A `Day` read back from a `date` column (binary: days since 1 January 2000) or from its
/// text (`YYYY-MM-DD`); anything else is a decoding error, never a default day.
extension Day: PostgresDecodable {
    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        switch (format, type) {
        case (.binary, .date):
            guard let days = buffer.readInteger(as: Int32.self) else { throw PostgresDecodingError.Code.failure }
            self.init(daysSince1970: Int(days) + 10_957)
        case (_, .text), (_, .varchar), (_, .date):
            guard let text = buffer.readString(length: buffer.readableBytes), let day = Day(iso: text) else {
                throw PostgresDecodingError.Code.failure
            }
            self = day
        default:
            throw PostgresDecodingError.Code.typeMismatch
        }
    }

    /// The civil day `days` after 1 January 1970 (the inverse of `daysSince1970`).
    init(daysSince1970 days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }
}
