import Foundation
import Logging
import PostgresNIO

/// A shared post as typed: every field as text, four member rows.
struct SharedPostInput: Sendable {
    struct Member: Sendable {
        var business = ""
        var firstMonth = ""
        var lastMonth = ""
        var hours = ""
    }

    static let rows = 4

    var title = ""
    var employer = ""
    var job = ""
    var notes = ""
    var members = Array(repeating: Member(), count: rows)
    var token = FormSubmissions.newToken()

    init() {}

    init(_ form: FormData) {
        title = form["title"] ?? ""
        employer = form["employer_id"] ?? ""
        job = form["job"] ?? ""
        notes = form["notes"] ?? ""
        members = (1...Self.rows).map { n in
            Member(
                business: form["member_\(n)_business"] ?? "", firstMonth: form["member_\(n)_from"] ?? "", lastMonth: form["member_\(n)_to"] ?? "",
                hours: form["member_\(n)_hours"] ?? "")
        }
        token = form["_form"] ?? FormSubmissions.newToken()
    }

    /// The form started from a combination of the calendar: its needs' businesses, months and hours.
    init(seasons: [CalendarNeed]) {
        title = "Poste à l'année : " + seasons.map(\.title).joined(separator: ", ")
        for (index, season) in seasons.prefix(Self.rows).enumerated() {
            members[index] = Member(
                business: String(season.businessID), firstMonth: String(season.start.month), lastMonth: String(season.end?.month ?? season.start.month),
                hours: Formats.decimalComma(season.hoursPerWeek))
        }
    }
}

/// The rules of the shared post's form.
enum SharedPostForm {
    /// Reads the form against the centre's member businesses (`businesses`); the job is read
    /// apart (`JobTitles.read`, on the same errors).
    static func read(_ form: FormData, businesses: Set<Int64>) -> (SharedPostInput, SharedPostDraft?, FormErrors) {
        let input = SharedPostInput(form)
        var reader = FormReader(form)
        let title = reader.text("title", "Intitulé du poste", required: true, max: 150)
        let notes = reader.text("notes", "Notes", max: 2000)
        var employer: Int64?
        if input.employer.isEmpty {
            reader.errors.add("employer_id", "Choisissez l'employeur de rattachement : le groupement d'employeurs ou l'une des entreprises.")
        } else if let id = Int64(input.employer), businesses.contains(id) {
            employer = id
        } else {
            reader.errors.add("employer_id", "Choisissez l'employeur de rattachement dans la liste.")
        }
        var members: [(businessID: Int64, firstMonth: Int, lastMonth: Int, hours: Double)] = []
        var held: [Int: Int] = [:]  // month → the row that has it
        for (index, row) in input.members.enumerated() {
            let n = index + 1
            let given = [row.business, row.firstMonth, row.lastMonth, row.hours].filter { !$0.isEmpty }.count
            guard given > 0 else { continue }
            let field = "member_\(n)_business"
            guard let business = Int64(row.business), businesses.contains(business) else {
                reader.errors.add(field, row.business.isEmpty ? "Entreprise \(n) : choisissez l'entreprise, ou videz la ligne." : "Entreprise \(n) : choisissez l'entreprise dans la liste.")
                continue
            }
            guard let first = Int(row.firstMonth), (1...12).contains(first), let last = Int(row.lastMonth), (1...12).contains(last) else {
                reader.errors.add("member_\(n)_from", "Entreprise \(n) : choisissez son premier et son dernier mois.")
                continue
            }
            guard let hours = reader.decimal("member_\(n)_hours", "Heures par semaine chez l'entreprise \(n)", range: 1...48, required: true) else { continue }
            if members.contains(where: { $0.businessID == business }) {
                reader.errors.add(field, "Entreprise \(n) : elle est déjà une ligne plus haut.")
                continue
            }
            let member = SharedPostMember(businessID: business, businessName: "", firstMonth: first, lastMonth: last, hoursPerWeek: hours)
            if let month = member.months.first(where: { held[$0] != nil }), let other = held[month] {
                reader.errors.add("member_\(n)_from", "Entreprise \(n) : \(Day.monthNames[month - 1]) est déjà le mois de l'entreprise \(other). Une même personne ne travaille que chez une entreprise à la fois.")
                continue
            }
            for month in member.months { held[month] = n }
            members.append((business, first, last, hours))
        }
        if members.count < 2 && reader.errors.isEmpty {
            reader.errors.add("member_1_business", "Un poste partagé réunit au moins deux entreprises : indiquez-en deux ou plus, avec leurs mois et leurs heures.")
        }
        guard reader.errors.isEmpty, let employer else { return (input, nil, reader.errors) }
        return (input, SharedPostDraft(title: title, employerID: employer, romeCode: nil, notes: notes, members: members), reader.errors)
    }
}
