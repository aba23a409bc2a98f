import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Renfort

/// The figures' arrays, read from their binary form (`FigureRow.Cells`).
@Suite struct FigureCellsTests {
    @Test func arraysAreReadAsPostgreSQLSendsThem() async throws {
        try await TestDatabase.withEmpty { database in
            try await database.asApp { client in
                let logger = TestEnvironment.logger
                let row = try #require(try await client.query("""
                    SELECT ARRAY[1, -2]::int2[], ARRAY[70000, -3]::int4[], ARRAY[9000000000]::int8[], ARRAY['a', 'é"', '']::text[],
                           ARRAY[true, false], NULL::int[], '{}'::int[], ARRAY[1, NULL]::int[], ARRAY[[1, 2], [3, 4]]::int[], ARRAY[1.5]::float8[]
                    """, logger: logger).collect().first)
                var cells = FigureRow.Cells(row)
                #expect(try cells.integers() == [1, -2])
                #expect(try cells.integers() == [70000, -3])
                #expect(try cells.identifiers() == [9_000_000_000])
                #expect(try cells.strings() == ["a", "é\"", ""])
                #expect(try cells.booleans() == [true, false])
                #expect(try cells.integers() == [])
                #expect(try cells.integers() == [])
                // A NULL element, two dimensions or another type are refused, not misread.
                #expect(throws: FigureRow.Cells.Malformed.self) { try cells.integers() }
                #expect(throws: FigureRow.Cells.Malformed.self) { try cells.integers() }
                #expect(throws: FigureRow.Cells.Malformed.self) { try cells.integers() }
                #expect(throws: FigureRow.Missing.self) { try cells.integers() }
            }
        }
    }
}
