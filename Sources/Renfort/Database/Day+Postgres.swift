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
