import Testing

@testable import Renfort

/// A date or time field shows again only a value HTML allows in it; any other is shown in a text field.
struct InputKindTests {
    @Test func onlyRealDaysStayInADateField() {
        #expect(InputKind.isDate(""))
        #expect(InputKind.isDate("2026-02-28"))
        for typed in ["2026-02-30", "hier", "2026-2-3", "๒๐๒๖-๐๒-๑๐", "2026-02-28 "] {
            #expect(!InputKind.isDate(typed), "\(typed)")
        }
        #expect(InputKind.date("hier") == "text")
        #expect(InputKind.date("2026-12-01") == "date")
    }

    @Test func onlyHoursAndMinutesStayInATimeField() {
        #expect(InputKind.isTime(""))
        #expect(InputKind.isTime("00:00"))
        #expect(InputKind.isTime("23:59"))
        for typed in ["25:00", "9:30", "+1:30", "12:60", "midi", "๑๒:๓๐", "12:30:00"] {
            #expect(!InputKind.isTime(typed), "\(typed)")
        }
    }

    @Test func aFormShowsWhichOfItsValuesAreNotDaysOrTimes() {
        let fields = TypedFields(text: ["date": "pas une date", "time": "10:00", "start_date": "2026-12-01", "other": ""])
        #expect(fields.notDate == ["date": true, "time": true])
        #expect(fields.notTime == ["date": true, "start_date": true])
    }
}
