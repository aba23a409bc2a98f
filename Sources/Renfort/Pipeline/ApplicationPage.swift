import Foundation
import Logging

/// One application: the candidate as the person may see them, its stage and history, and the
/// forms of the transitions its stage allows (moves, end, interview, offer, hire) — for an
/// employer, the candidate presented to them and their answer.
struct ApplicationPage: PageModel {
    static let template = "pipeline/application"

    struct InterviewRow: Sendable {
        let id: Int64
        let when: String
        let duration: Int
        let mode: String
        let place: String
        let attendees: String
        let outcome: String?
        let icsHref: String
        let outcomeAction: String
        let outcomes: [Option]
        let form: FormState<TypedFields>
    }

    struct OfferRow: Sendable {
        let id: Int64
        let summary: String
        let status: String
        let pending: Bool
        let answerAction: String
        let form: FormState<TypedFields>
    }

    struct HistoryRow: Sendable {
        let at: String
        let who: String
        let what: String
        let comment: String?
    }

    let layout: Layout
    let isAdviser: Bool
    let candidateName: String
    let candidateHref: String?
    let needTitle: String
    let needHref: String
    let boardHref: String?
    let businessName: String
    let stageLabel: String
    let open: Bool
    let facts: [Fact]
    let documents: [DocumentRow]
    let hasDocuments: Bool
    let employerAnswer: String?
    let canAnswer: Bool
    let answerAction: String
    let answerForm: FormScope
    let moves: [Option]
    let hasMoves: Bool
    let moveAction: String
    let moveForm: FormScope
    let endAction: String
    let endForm: FormScope
    let reasons: [Option]
    let interviews: [InterviewRow]
    let hasInterviews: Bool
    let canInterview: Bool
    let interviewAction: String
    let interviewForm: FormScope
    let modes: [Option]
    let offers: [OfferRow]
    let hasOffers: Bool
    let canOffer: Bool
    let offerAction: String
    let offerForm: FormScope
    let offerContracts: [Option]
    let canHire: Bool
    let hireAction: String
    let hireForm: FormScope
    let hireContracts: [Option]
    let history: [HistoryRow]
    /// How the candidate's messages go ("par e-mail (…)"), nil when they cannot be reached.
    let candidateReach: String?
    /// The refusal messages the ending form offers (none when the candidate cannot be reached).
    let refusalMessages: [Option]
    let hasRefusalMessages: Bool
    let base: String
    let form: FormState<TypedFields>

    /// Everything the page shows, read in one transaction.
    struct Loaded: Sendable {
        let application: ApplicationRecord
        let candidate: Candidate
        let need: JobNeedRecord
        let events: [ApplicationEvent]
        let interviews: [Interview]
        let offers: [Offer]
        let reasons: [(id: Int64, label: String)]
        let documents: [CandidateDocument]
        /// Sent from a public offer: its message, and whether the person was known in the pool.
        var origin: OfferApplicationOrigin? = nil
    }

    /// The page of application `id` as `context`'s person may see it; nil when it is not theirs
    /// (an employer sees only the candidates presented to their business).
    static func load(
        id: Int64, in context: CentreContext, database: Database, form: FormState<TypedFields> = .blank
    ) async throws -> ApplicationPage? {
        let businessScope = try context.businessScope()
        let isAdviser = businessScope == nil
        let tenant = context.tenantID, logger = context.logger
        let loaded = try await database.transaction(in: context) { connection -> Loaded? in
            guard let application = try await ApplicationRepository.find(id: id, businessID: businessScope, on: connection, logger: logger),
                let candidate = try await CandidateRepository.find(id: application.candidateID, on: connection, logger: logger),
                let need = try await JobNeedRepository.find(id: application.needID, businessID: nil, on: connection, logger: logger)
            else { return nil }
            return Loaded(
                application: application, candidate: candidate, need: need,
                events: isAdviser ? try await ApplicationRepository.events(applicationID: id, on: connection, logger: logger) : [],
                interviews: try await PipelineSteps.interviews(applicationID: id, on: connection, logger: logger),
                offers: isAdviser ? try await PipelineSteps.offers(applicationID: id, on: connection, logger: logger) : [],
                reasons: isAdviser ? try await ApplicationRepository.rejectionReasons(tenantID: tenant, on: connection, logger: logger) : [],
                documents: try await CandidateRepository.documents(candidateID: candidate.id, on: connection, logger: logger),
                origin: isAdviser ? try await PublishedOfferRepository.origin(applicationID: id, on: connection, logger: logger) : nil)
        }
        return loaded.map { ApplicationPage($0, isAdviser: isAdviser, context: context, form: form) }
    }

    init(_ loaded: Loaded, isAdviser: Bool, context: CentreContext, form: FormState<TypedFields>) {
        let (application, candidate, need) = (loaded.application, loaded.candidate, loaded.need)
        let base = context.base
        let here = "\(base)/candidatures/\(application.id)"
        let stage = application.stage
        var facts: [Fact] = [.init(label: "Commune", value: candidate.communeName)]
        facts.append(.init(label: "Mobilité", value: candidate.mobility.isEmpty ? "ni permis ni véhicule" : candidate.mobility))
        if !candidate.skills.isEmpty { facts.append(.init(label: "Compétences", value: candidate.skills)) }
        if !candidate.experience.isEmpty { facts.append(.init(label: "Expérience", value: candidate.experience)) }
        if let available = candidate.availableFrom { facts.append(.init(label: "Disponible à partir du", value: available.french)) }
        if isAdviser {
            if let email = candidate.email { facts.append(.init(label: "E-mail", value: email)) }
            if let phone = candidate.phone { facts.append(.init(label: "Téléphone", value: phone)) }
            if let origin = loaded.origin { facts += OfferPages.originFacts(origin) }
        }
        let lastOffer = loaded.offers.last
        let moves = isAdviser ? stage.moves : []
        self.layout = Layout(title: candidate.fullName, session: context.session, membership: context.membership, currentPath: "\(base)/besoins")
        self.isAdviser = isAdviser
        self.candidateName = candidate.fullName
        self.candidateHref = isAdviser ? "\(base)/candidats/\(candidate.id)" : nil
        self.needTitle = need.title
        self.needHref = "\(base)/besoins/\(need.id)"
        self.boardHref = isAdviser ? "\(base)/besoins/\(need.id)/candidatures" : nil
        self.businessName = need.businessName
        // The employer is told where the application stands as on their need's list (never the
        // centre's reason for not retaining someone).
        let nextInterview = loaded.interviews.filter { $0.outcome == nil }.map(\.startsAt).min()
        self.stageLabel = isAdviser
            ? stage.label + (application.rejectionReason.map { " (\($0))" } ?? "")
            : PresentedCandidate(
                applicationID: application.id, name: candidate.fullName, commune: candidate.communeName, answer: application.employerAnswer,
                stage: stage, interviewAt: nextInterview
            ).stateLabel
        self.open = stage.isOpen
        self.facts = facts
        self.documents = loaded.documents.map { DocumentRow($0, href: "\(here)/documents/\($0.id)") }
        self.hasDocuments = !loaded.documents.isEmpty
        self.employerAnswer = application.employerAnswer.map { $0.label + (application.employerNote.isEmpty ? "" : " : \(application.employerNote)") }
        self.canAnswer = !isAdviser && ApplicationPage.employerMayAnswer(application)
        self.answerAction = "\(here)/reponse"
        self.answerForm = form.scoped(to: answerAction)
        self.moveAction = "\(here)/etape"
        let moveForm = form.scoped(to: moveAction)
        self.moveForm = moveForm
        self.moves = moves.map { Option(value: $0.rawValue, label: $0.label, selected: moveForm.form.values.has("to", $0.rawValue)) }
        self.hasMoves = !moves.isEmpty
        self.endAction = "\(here)/fin"
        let endForm = form.scoped(to: endAction)
        self.endForm = endForm
        self.reasons = loaded.reasons.map { Option(value: String($0.id), label: $0.label, selected: endForm.form.values.has("reason_id", String($0.id))) }
        self.interviews = loaded.interviews.map { interview in
            let outcomeAction = "\(here)/entretiens/\(interview.id)/bilan"
            let outcomeForm = form.scoped(to: outcomeAction).form
            return InterviewRow(
                id: interview.id, when: Formats.dateTime(interview.startsAt), duration: interview.durationMinutes, mode: interview.mode.label,
                place: interview.place, attendees: interview.attendees,
                // The outcome and its note are the centre's own record of the interview.
                outcome: isAdviser ? interview.outcome.map { $0.label + (interview.outcomeNote.isEmpty ? "" : " — \(interview.outcomeNote)") } : nil,
                icsHref: "\(here)/entretiens/\(interview.id)/invitation.ics", outcomeAction: outcomeAction,
                outcomes: Option.all(Interview.Outcome.self, sent: outcomeForm.values, name: "outcome", label: \.label), form: outcomeForm)
        }
        self.hasInterviews = !loaded.interviews.isEmpty
        self.canInterview = isAdviser && ApplicationTransition.scheduleInterview.allows(from: stage)
        self.interviewAction = "\(here)/entretiens"
        let reach = CandidateReach.of(email: candidate.email, phone: candidate.phone)
        self.candidateReach = isAdviser && reach != .none ? reach.phrase : nil
        self.interviewForm = form.scoped(to: interviewAction, defaults: ["duration": "45"].merging(reach != .none ? ["invite": "1"] : [:]) { $1 })
        self.refusalMessages = reach == .none || !isAdviser ? [] : PipelineMessages.refusalKinds.map {
            Option(value: $0.rawValue, label: "Envoyer «\u{00A0}\($0.label)\u{00A0}»", selected: endForm.form.values.has("message", $0.rawValue))
        }
        self.hasRefusalMessages = !refusalMessages.isEmpty
        self.modes = Option.all(Interview.Mode.self, sent: interviewForm.form.values, name: "mode", label: \.label)
        self.offers = loaded.offers.map { offer in
            let answerAction = "\(here)/propositions/\(offer.id)/reponse"
            return OfferRow(
                id: offer.id, summary: offer.summary, status: offer.statusLabel, pending: offer.status == .pending,
                answerAction: answerAction, form: form.scoped(to: answerAction).form)
        }
        self.hasOffers = !loaded.offers.isEmpty
        self.canOffer = isAdviser && ApplicationTransition.makeOffer.allows(from: stage)
        self.offerAction = "\(here)/propositions"
        // The terms start from the last offer, or from the need.
        let terms = [
            "contract_kind": (lastOffer?.contractKind ?? need.contractKind).rawValue, "start_date": (lastOffer?.startDate ?? need.wishedStart).iso,
            "end_date": (lastOffer?.endDate ?? need.endDate)?.iso ?? "", "hours_per_week": Formats.hours(lastOffer?.hoursPerWeek ?? need.hoursPerWeek),
        ]
        self.offerForm = form.scoped(to: offerAction, defaults: terms)
        self.offerContracts = Option.all(ContractKind.self, chosen: offerForm.form.values.text["contract_kind"], label: \.label)
        self.canHire = isAdviser && ApplicationTransition.hire.allows(from: stage)
        self.hireAction = "\(here)/embauche"
        self.hireForm = form.scoped(to: hireAction, defaults: terms)
        self.hireContracts = Option.all(ContractKind.self, chosen: hireForm.form.values.text["contract_kind"], label: \.label)
        self.history = loaded.events.map { event in
            let what: String
            if let to = event.to { what = event.from.map { "\($0.label) → \(to.label)" } ?? "Ajouté : \(to.label)" } else { what = "Note" }
            return HistoryRow(at: Formats.dateTime(event.at), who: event.who, what: what, comment: event.comment.isEmpty ? nil : event.comment)
        }
        self.base = here
        // The summary's links go to the fields of the form that was sent.
        let ids: [String: [String: String]] = [
            offerAction: ["contract_kind": "offer-contract", "start_date": "offer-start", "end_date": "offer-end", "hours_per_week": "offer-hours", "gross_pay": "offer-pay"],
            hireAction: ["contract_kind": "hire-contract", "start_date": "hire-start", "end_date": "hire-end", "hours_per_week": "hire-hours"],
            moveAction: ["comment": "move-comment"], endAction: ["comment": "end-comment", "message": "end-message"],
        ]
        var anchored = form
        for interview in loaded.interviews {
            anchored = anchored.anchored(to: "\(here)/entretiens/\(interview.id)/bilan") { "\($0)-\(interview.id)" }
        }
        for offer in loaded.offers {
            anchored = anchored.anchored(to: "\(here)/propositions/\(offer.id)/reponse") { "\($0)-offer-\(offer.id)" }
        }
        if let table = ids[form.action] { anchored = anchored.anchored(to: form.action) { table[$0] ?? $0 } }
        self.form = anchored
    }

    /// An employer answers once, on a candidate presented to them (the page's form and the action ask this).
    static func employerMayAnswer(_ application: ApplicationRecord) -> Bool {
        application.stage == .presented && application.employerAnswer == nil
    }
}
