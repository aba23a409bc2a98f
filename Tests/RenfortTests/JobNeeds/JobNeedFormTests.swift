import Testing

@testable import Renfort

/// The rules of the job-need form, without the web.
@Suite struct JobNeedFormTests {
    let today = Day(iso: "2026-11-26")!

    func form(_ overrides: [String: String] = [:], extra: [(String, String)] = []) -> FormData {
        var fields: [String: String] = [
            "title": "Cuisinier", "description": "Cuisine du marché", "contract_kind": "cdi", "full_time": "oui",
            "hours_per_week": "35", "positions": "1", "wished_start": "2026-12-15", "place_name": "Cahors",
            "newly_created": "creation", "hard_to_fill": "non",
        ]
        for (key, value) in overrides { fields[key] = value }
        let body = (fields.map { "\($0.key)=\(Browser.escape($0.value))" } + extra.map { "\($0.0)=\(Browser.escape($0.1))" }).joined(separator: "&")
        return FormData(urlEncoded: body)
    }

    @Test func aCompleteFormIsAccepted() {
        let (_, draft, errors) = JobNeedForm.read(form(), today: today, isNew: true, minimumWages: .repository)
        #expect(errors.isEmpty)
        #expect(draft?.contractKind == .cdi)
        #expect(draft?.hoursPerWeek == 35)
        #expect(draft?.wishedStart == Day(iso: "2026-12-15"))
    }

    @Test func requiredFieldsHaveMessages() {
        let (input, draft, errors) = JobNeedForm.read(FormData(urlEncoded: "title=%20%20"), today: today, isNew: true, minimumWages: .repository)
        #expect(draft == nil)
        for field in ["title", "description", "contract_kind", "full_time", "positions", "wished_start", "place_name", "newly_created", "hard_to_fill"] {
            #expect(errors[field] != nil, "\(field)")
        }
        #expect(input.title == "")
    }

    @Test func datesNumbersAndTheirOrder() {
        #expect(JobNeedForm.read(form(["wished_start": "2026-02-30"]), today: today, isNew: true, minimumWages: .repository).2["wished_start"]?.contains("pas une date valide") == true)
        #expect(JobNeedForm.read(form(["wished_start": "2026-11-01"]), today: today, isNew: true, minimumWages: .repository).2["wished_start"]?.contains("passée") == true)
        #expect(JobNeedForm.read(form(["wished_start": "2026-11-01"]), today: today, isNew: false, minimumWages: .repository).2["wished_start"] == nil)
        #expect(JobNeedForm.read(form(["positions": "51"]), today: today, isNew: true, minimumWages: .repository).2["positions"] != nil)
        #expect(JobNeedForm.read(form(["positions": "0"]), today: today, isNew: true, minimumWages: .repository).2["positions"] != nil)
        #expect(JobNeedForm.read(form(["positions": "deux"]), today: today, isNew: true, minimumWages: .repository).2["positions"] != nil)
        #expect(JobNeedForm.read(form(["hours_per_week": "1e309"]), today: today, isNew: true, minimumWages: .repository).2["hours_per_week"] != nil)
        #expect(JobNeedForm.read(form(["full_time": "non", "hours_per_week": "35"]), today: today, isNew: true, minimumWages: .repository).2["hours_per_week"] != nil)
        #expect(JobNeedForm.read(form(["full_time": "non", "hours_per_week": "24,5"]), today: today, isNew: true, minimumWages: .repository).1?.hoursPerWeek == 24.5)
        #expect(JobNeedForm.read(form(["pay_min": "2500", "pay_max": "2000"]), today: today, isNew: true, minimumWages: .repository).2["pay_max"] != nil)
    }

    @Test func contractSpecificFields() {
        let cdd = JobNeedForm.read(form(["contract_kind": "cdd"]), today: today, isNew: true, minimumWages: .repository).2
        #expect(cdd["end_date"]?.contains("date de fin") == true)
        let before = JobNeedForm.read(form(["contract_kind": "cdd", "end_date": "2026-12-01"]), today: today, isNew: true, minimumWages: .repository).2
        #expect(before["end_date"]?.contains("suivre") == true)
        let cdiWithEnd = JobNeedForm.read(form(["end_date": "2027-01-01"]), today: today, isNew: true, minimumWages: .repository).2
        #expect(cdiWithEnd["end_date"] != nil)
        let seasonal = JobNeedForm.read(form(["contract_kind": "seasonal_cdd", "end_date": "2027-03-01"]), today: today, isNew: true, minimumWages: .repository).2
        #expect(seasonal["season_start"] != nil && seasonal["season_end"] != nil)
        let seasonalOK = JobNeedForm.read(
            form(["contract_kind": "seasonal_cdd", "end_date": "2027-03-01", "season_start": "2026-12-15", "season_end": "2027-03-01"]),
            today: today, isNew: true, minimumWages: .repository)
        #expect(seasonalOK.2.isEmpty)
        let apprentice = JobNeedForm.read(form(["contract_kind": "apprenticeship", "pay_min": "900"]), today: today, isNew: true, minimumWages: .repository)
        #expect(apprentice.2.isEmpty)
    }

    @Test func fullTimePayBelowTheMinimumWageNeedsAConfirmation() {
        let low = JobNeedForm.read(form(["pay_min": "1500"]), today: today, isNew: true, minimumWages: .repository).2
        #expect(low["pay_min"]?.contains("SMIC") == true)
        let confirmed = JobNeedForm.read(form(["pay_min": "1500", "confirm_low_pay": "oui"]), today: today, isNew: true, minimumWages: .repository)
        #expect(confirmed.2.isEmpty)
        let partTime = JobNeedForm.read(form(["pay_min": "1000", "full_time": "non", "hours_per_week": "20"]), today: today, isNew: true, minimumWages: .repository)
        #expect(partTime.2.isEmpty)
    }

    @Test func hardToFillNeedsAReason() {
        #expect(JobNeedForm.read(form(["hard_to_fill": "oui"]), today: today, isNew: true, minimumWages: .repository).2["hard_to_fill_reasons"] != nil)
        let withReason = JobNeedForm.read(form(["hard_to_fill": "oui"], extra: [("hard_to_fill_reasons", "transport"), ("hard_to_fill_reasons", "housing")]), today: today, isNew: true, minimumWages: .repository)
        #expect(withReason.1?.hardToFillReasons == [.transport, .housing])
        #expect(JobNeedForm.read(form(["hard_to_fill": "oui"], extra: [("hard_to_fill_reasons", "other")]), today: today, isNew: true, minimumWages: .repository).2["hard_to_fill_other"] != nil)
        #expect(JobNeedForm.read(form(["hard_to_fill": "oui"], extra: [("hard_to_fill_reasons", "pirate")]), today: today, isNew: true, minimumWages: .repository).2["hard_to_fill_reasons"] != nil)
    }

    @Test func overLongValuesAreRefusedWithTheirLength() {
        let long = String(repeating: "a", count: 10_000)
        let errors = JobNeedForm.read(form(["title": long, "description": long, "notes": long]), today: today, isNew: true, minimumWages: .repository).2
        #expect(errors["title"]?.contains("150") == true)
        #expect(errors["description"]?.contains("5000") == true)
        #expect(errors["notes"] != nil)
    }

    @Test func theTransitionTable() {
        #expect(NeedStatus.canMove(from: .submitted, to: .qualified))
        #expect(!NeedStatus.canMove(from: .submitted, to: .sourcing))
        #expect(!NeedStatus.canMove(from: .submitted, to: .filled))
        #expect(NeedStatus.canMove(from: .sourcing, to: .partlyFilled))
        #expect(NeedStatus.canMove(from: .partlyFilled, to: .filled))
        #expect(NeedStatus.canMove(from: .filled, to: .closed))
        for status in [NeedStatus.submitted, .qualified, .sourcing, .partlyFilled] {
            #expect(NeedStatus.canMove(from: status, to: .cancelled))
        }
        for status in [NeedStatus.filled, .closed, .cancelled] {
            #expect(!NeedStatus.canMove(from: status, to: .cancelled))
        }
        #expect(NeedStatus.transitions[.closed]?.isEmpty == true)
        #expect(NeedStatus.transitions[.cancelled]?.isEmpty == true)
    }
}
