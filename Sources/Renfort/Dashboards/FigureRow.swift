import NIOCore
import PostgresNIO

/// The one row of a centre's figures (`CentreFigures.AllFigures`) decoded into `Figures`:
/// the cells in the statement's order, each part's groups as arrays.
enum FigureRow {
    struct Missing: Error {}

    /// A value of the database that no case of `Value` matches: an error, never a default
    /// (an unknown contract counted as a CDI would change the headline figure).
    struct UnknownValue: Error, CustomStringConvertible {
        let column: String
        let value: String
        var description: String { "unknown value \"\(value)\" in the figures' column \(column)" }
    }

    static func value<Value: RawRepresentable>(_: Value.Type, _ raw: String, column: String) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: raw) else { throw UnknownValue(column: column, value: raw) }
        return value
    }

    /// The figures from the one row of `CentreFigures.AllFigures` (or its filtered form).
    static func read(_ row: PostgresRow, centre: String) throws -> (version: Int64?, figures: Figures) {
        var cells = Cells(row)
        var figures = Figures()
        let version = try cells.next(Int64?.self)

        let (months, kinds, counts, newly, durable) = try (
            cells.strings(), cells.values(ContractKind.self), cells.integers(), cells.integers(), cells.integers())
        var kept: [[Int]] = [], due: [[Int]] = []
        for _ in CentreFigures.horizons {
            kept.append(try cells.integers())
            due.append(try cells.integers())
        }
        let (trialPassed, trialDue, endedInTrial, endedAfterTrial) = try (cells.integers(), cells.integers(), cells.integers(), cells.integers())
        for i in months.indices {
            let (month, kind, count) = (months[i], kinds[i], counts[i])
            figures.monthly[month, default: [:]][kind] = count
            figures.placements += count
            figures.durable += durable[i]
            if kind == .cdi || kind == .sharedTime {
                figures.permanent += count
                figures.newlyCreated += newly[i]
            }
            if kind == .seasonalCDD { figures.seasonal += count }
            figures.endedInTrial += endedInTrial[i]
            figures.endedAfterTrial += endedAfterTrial[i]
            figures.cohorts[month, default: Figures.Cohort()].add(
                .init(placements: count, kept: kept.map { $0[i] }, base: due.map { $0[i] }, trialPassed: trialPassed[i], trialBase: trialDue[i]))
        }

        let (isSource, keys, attributeCounts) = try (cells.booleans(), cells.strings(), cells.integers())
        for i in keys.indices {
            if isSource[i] {
                figures.sources[try FigureRow.value(CandidateSource.self, keys[i], column: "source")] = attributeCounts[i]
            } else {
                figures.residences[keys[i]] = attributeCounts[i]
            }
        }
        figures.seasonalAgain = try cells.next(Int.self)
        figures.fixedTermOver = try cells.next(Int.self)
        figures.fixedTermFollowed = try cells.next(Int.self)

        let (filledBusinesses, days) = try (cells.identifiers(), cells.integers())
        figures.fillDays = days
        var daysByBusiness: [Int64: [Int]] = [:]
        for (business, days) in zip(filledBusinesses, days) { daysByBusiness[business, default: []].append(days) }

        figures.ended = try .init(needs: cells.next(), positions: cells.next(), filled: cells.next())
        figures.endedHardToFill = try .init(needs: cells.next(), positions: cells.next(), filled: cells.next())
        figures.reached = try (0..<6).map { _ in try cells.next(Int.self) }

        let (outcomes, outcomeNeeds, outcomePositions, outcomeFilled) = try (
            cells.values(NeedStatus.self), cells.integers(), cells.integers(), cells.integers())
        for i in outcomes.indices {
            figures.hardToFillByOutcome[outcomes[i]] = .init(needs: outcomeNeeds[i], positions: outcomePositions[i], filled: outcomeFilled[i])
        }
        let (reasons, reasonNeeds, reasonPositions, reasonFilled) = try (
            cells.values(HardToFillReason.self), cells.integers(), cells.integers(), cells.integers())
        for i in reasons.indices {
            figures.hardToFillByReason[reasons[i]] = .init(needs: reasonNeeds[i], positions: reasonPositions[i], filled: reasonFilled[i])
        }

        let (ids, sirets, names, nafs, insees, communes) = try (
            cells.identifiers(), cells.strings(), cells.strings(), cells.strings(), cells.strings(), cells.strings())
        let (permanent, newlyCreated, durableJobs, placements, kept6, due6) = try (
            cells.integers(), cells.integers(), cells.integers(), cells.integers(), cells.integers(), cells.integers())
        figures.businesses = ids.indices.map { i in
            Figures.Business(
                centre: centre, id: ids[i], siret: sirets[i], name: names[i], naf: nafs[i].isEmpty ? nil : nafs[i],
                communeInsee: insees[i].isEmpty ? nil : insees[i], commune: communes[i].isEmpty ? nil : communes[i],
                permanent: permanent[i], newlyCreated: newlyCreated[i], durable: durableJobs[i], placements: placements[i],
                kept6: kept6[i], base6: due6[i], fillDays: daysByBusiness[ids[i]] ?? [])
        }
        // Most permanent posts first, then by name in the database's order (C.UTF-8: the
        // code points', as UTF-8's bytes compare).
        figures.businesses.sort { a, b in
            if a.permanent != b.permanent { return a.permanent > b.permanent }
            if a.name != b.name { return a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
            return a.id < b.id
        }
        return (version, figures)
    }

    /// A row's cells read in order, each decoded as the type asked.
    struct Cells {
        private var iterator: PostgresRow.Iterator
        /// The name of the column read last, for errors.
        private var column = ""

        init(_ row: PostgresRow) { iterator = row.makeIterator() }

        mutating func next<T: PostgresDecodable>(_: T.Type = T.self) throws -> T {
            guard let cell = iterator.next() else { throw FigureRow.Missing() }
            return try cell.decode(T.self)
        }

        /// Arrays of integers, strings and booleans, read from their binary form; `array_agg`
        /// of no rows is NULL, read as empty. PostgresNIO's generic array decoding, through a
        /// protocol witness and a cast per element, was a fifth of the server's time on an
        /// observer's home computed afresh.
        mutating func integers() throws -> [Int] { try elements { Self.integer($0, &$1).map(Int.init) } }
        mutating func identifiers() throws -> [Int64] { try elements { Self.integer($0, &$1) } }
        mutating func strings() throws -> [String] {
            try elements { element, bytes in
                element == PostgresDataType.text.rawValue || element == PostgresDataType.varchar.rawValue ? bytes.readString(length: bytes.readableBytes) : nil
            }
        }
        /// An array of an enum's raw values, each one a case (an unknown value throws).
        mutating func values<Value: RawRepresentable>(_: Value.Type) throws -> [Value] where Value.RawValue == String {
            let raw = try strings()
            return try raw.map { try FigureRow.value(Value.self, $0, column: column) }
        }
        mutating func booleans() throws -> [Bool] {
            try elements { element, bytes in
                element == PostgresDataType.bool.rawValue && bytes.readableBytes == 1 ? bytes.readInteger(as: UInt8.self).map { $0 != 0 } : nil
            }
        }

        struct Malformed: Error {
            let column: String
        }

        /// A one-dimensional array without NULLs, each element read by `read` from its bytes
        /// given the array's element type (nil for a type it does not read).
        private mutating func elements<T>(_ read: (UInt32, inout ByteBuffer) -> T?) throws -> [T] {
            guard let cell = iterator.next() else { throw FigureRow.Missing() }
            column = cell.columnName
            guard var bytes = cell.bytes else { return [] }
            guard cell.format == .binary, let (dimensions, _, element) = bytes.readMultipleIntegers(as: (Int32, Int32, UInt32).self) else {
                throw Malformed(column: cell.columnName)
            }
            if dimensions == 0 { return [] }
            guard dimensions == 1, let (count, _) = bytes.readMultipleIntegers(as: (Int32, Int32).self), count >= 0 else {
                throw Malformed(column: cell.columnName)
            }
            var values: [T] = []
            values.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let length = bytes.readInteger(as: Int32.self), length >= 0, var value = bytes.readSlice(length: Int(length)),
                    let read = read(element, &value)
                else { throw Malformed(column: cell.columnName) }
                values.append(read)
            }
            return values
        }

        private static func integer(_ element: UInt32, _ bytes: inout ByteBuffer) -> Int64? {
            switch (element, bytes.readableBytes) {
            case (PostgresDataType.int8.rawValue, 8): bytes.readInteger(as: Int64.self)
            case (PostgresDataType.int4.rawValue, 4): bytes.readInteger(as: Int32.self).map(Int64.init)
            case (PostgresDataType.int2.rawValue, 2): bytes.readInteger(as: Int16.self).map(Int64.init)
            default: nil
            }
        }
    }
}
