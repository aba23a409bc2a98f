import Foundation
import Hummingbird

extension JobNeedListPage {
    /// The needs the person may see (an employer's business's, or the centre's), filtered.
    static func load(request: Request, in context: CentreContext, database: Database) async throws -> JobNeedListPage {
        let businessScope = try context.businessScope()
        let query = request.uri.queryParameters
        var filter = JobNeedFilter()
        filter.status = query["statut"].flatMap { NeedStatus(rawValue: String($0)) }
        filter.contractKind = query["contrat"].flatMap { ContractKind(rawValue: String($0)) }
        filter.businessID = query["entreprise"].flatMap { Int64(String($0)) }
        filter.adviserID = query["conseiller"].flatMap { Int64(String($0)) }
        filter.hardToFill = query["difficile"] == "1" ? true : nil
        filter.seasonal = query["saisonnier"] == "1" ? true : nil
        let text = String(query["q"] ?? "").trimmingCharacters(in: .whitespaces)
        filter.text = text.isEmpty ? nil : String(text.prefix(100))
        filter.page = min(max(query["page"].flatMap { Int(String($0)) } ?? 1, 1), 10_000)
        let isAdviser = context.role == .adviser
        let (result, counts, businesses, advisers) = try await database.transaction(in: context) { connection in
            (
                try await JobNeedRepository.list(filter, businessID: businessScope, on: connection, logger: context.logger),
                try await JobNeedRepository.countsByStatus(businessID: businessScope, on: connection, logger: context.logger),
                isAdviser ? try await BusinessRepository.members(on: connection, logger: context.logger) : [],
                isAdviser ? try await BusinessRepository.advisers(on: connection, logger: context.logger) : []
            )
        }
        let base = context.base
        func link(status: NeedStatus?) -> String {
            "\(base)/besoins" + (status.map { "?statut=\($0.rawValue)" } ?? "")
        }
        func pageLink(_ page: Int) -> String {
            var items = query.filter { $0.key != "page" }.map { "\($0.key)=\(queryEscaped(String($0.value)))" }
            items.append("page=\(page)")
            return "\(base)/besoins?" + items.joined(separator: "&")
        }
        let pages = max(1, (result.total + JobNeedFilter.pageSize - 1) / JobNeedFilter.pageSize)
        let rows = result.needs.map { need in
            Row(
                href: "\(base)/besoins/\(need.id)", title: need.title, businessName: need.businessName, contract: need.contractKind.label,
                positions: "\(need.positionsFilled) / \(need.positions)", start: need.wishedStart.french, statusLabel: need.status.label,
                statusClass: need.status.cssClass, hardToFill: need.hardToFill, seasonal: need.seasonal,
                adviserName: need.adviserName, submitted: Formats.day(need.submittedAt))
        }
        let heading = isAdviser ? "Besoins de recrutement" : "Mes besoins"
        return JobNeedListPage(
            layout: Layout(title: heading, session: context.session, membership: context.membership, currentPath: "\(base)/besoins"),
            heading: heading, isAdviser: isAdviser, newHref: "\(base)/besoins/nouveau", seasonsHref: "\(base)/saisons", sharedPostsHref: "\(base)/postes-partages",
            rows: rows, isEmpty: rows.isEmpty, total: result.total,
            counts: NeedStatus.allCases.map { Count(label: $0.label, count: counts[$0] ?? 0, href: link(status: $0), current: filter.status == $0) },
            statuses: Option.all(NeedStatus.self, chosen: filter.status?.rawValue, label: \.label),
            businesses: businesses.map { Option(value: String($0.id), label: $0.name, selected: filter.businessID == $0.id) },
            contractKinds: Option.all(ContractKind.self, chosen: filter.contractKind?.rawValue, label: \.label),
            advisers: advisers.map { Option(value: String($0.id), label: $0.name, selected: filter.adviserID == $0.id) },
            text: text, hardToFillChecked: filter.hardToFill == true, seasonalChecked: filter.seasonal == true,
            page: filter.page, pages: pages,
            previousHref: filter.page > 1 ? pageLink(filter.page - 1) : nil,
            nextHref: filter.page < pages ? pageLink(filter.page + 1) : nil)
    }
}

extension JobNeedPage {
    /// Employers edit while the need is submitted; advisers while it is open (the page's link
    /// and the edit itself ask this).
    static func mayEdit(_ need: JobNeedRecord, role: Role) -> Bool {
        role == .adviser ? need.status.isOpen : need.status == .submitted
    }

    /// Need `id` as the person may see it; nil when it is not theirs.
    static func load(id: Int64, in context: CentreContext, database: Database, form: FormState<TypedFields> = .blank) async throws -> JobNeedPage? {
        let businessScope = try context.businessScope()
        let isAdviser = context.role == .adviser
        let loaded = try await database.transaction(in: context) { connection -> (JobNeedRecord, [JobNeedEvent], [(id: Int64, name: String)], [PresentedCandidate], Int)? in
            guard let need = try await JobNeedRepository.find(id: id, businessID: businessScope, on: connection, logger: context.logger) else { return nil }
            return (
                need, try await JobNeedRepository.events(needID: id, on: connection, logger: context.logger),
                isAdviser ? try await BusinessRepository.advisers(on: connection, logger: context.logger) : [],
                // The candidates presented to the employer: never the others.
                try await ApplicationRepository.presented(needID: id, on: connection, logger: context.logger),
                isAdviser ? try await ApplicationRepository.count(needID: id, on: connection, logger: context.logger) : 0
            )
        }
        guard let (need, events, advisers, presented, applicationCount) = loaded else { return nil }
        let base = context.base
        // An employer reads every move, but only the comments shared with them (their own, or an
        // adviser's ticked "visible de l'employeur").
        let visible = isAdviser ? events : events.filter { $0.shared || $0.kind != .comment }
        let history = visible.map { event -> HistoryLine in
            let what: String
            switch event.kind {
            case .submitted: what = "Besoin déposé"
            case .edited: what = "Besoin modifié"
            case .qualified: what = "Besoin qualifié"
            case .comment: what = "Commentaire"
            case .status: what = "Statut : \(event.fromStatus?.label ?? "—") → \(event.toStatus?.label ?? "—")"
            }
            let comment = event.comment.isEmpty || !(isAdviser || event.shared) ? nil : event.comment
            return .init(
                at: Formats.dateTime(event.at), who: event.actorName, what: what, comment: comment,
                audience: isAdviser && comment != nil ? (event.shared ? "visible de l'employeur" : "interne") : nil)
        }
        let moves = isAdviser ? need.status.moves : []
        let commentHint =
            isAdviser
            ? "Réservé au centre, sauf si vous cochez «\u{00A0}visible de l'employeur\u{00A0}»."
            : (need.status == .submitted
                ? "Pour les conseillers du centre."
                : "Le besoin est pris en charge : pour demander une modification, écrivez-la ici aux conseillers.")
        let here = "\(base)/besoins/\(id)"
        // The qualification starts from the need as submitted.
        let qualifyForm = form.scoped(
            to: "\(here)/qualifier",
            defaults: [
                "job": need.job?.typed ?? need.romeCode ?? "", "hard_to_fill": need.hardToFill ? "oui" : "non", "hard_to_fill_other": need.hardToFillOther,
                "adviser_id": String(need.adviserID ?? context.user.id),
            ])
        let qualifying = qualifyForm.form.values
        let moveForm = form.scoped(to: "\(here)/statut")
        return JobNeedPage(
            layout: Layout(title: need.title, session: context.session, membership: context.membership, currentPath: "\(base)/besoins/\(id)"),
            title: need.title, businessName: need.businessName,
            businessHref: isAdviser ? "\(base)/entreprises/\(need.businessID)" : nil,
            statusLabel: need.status.label, statusClass: need.status.cssClass,
            positionsText: "\(need.positionsFilled) / \(need.positions)", facts: facts(need), description: need.description,
            notes: need.notes.isEmpty ? nil : need.notes, cancelReason: isAdviser || need.cancelReasonShared ? need.cancelReason : nil,
            cancelReasonAudience: need.cancelReasonShared ? "visible de l'employeur" : "interne", history: history, base: "\(base)/besoins/\(id)",
            canEdit: mayEdit(need, role: context.role), canCancel: need.status.isOpen, canComment: true, commentHint: commentHint,
            isAdviser: isAdviser, canQualify: isAdviser && need.status == .submitted, qualifyForm: qualifyForm,
            moves: moves.map { Option(value: $0.rawValue, label: $0.label, selected: moveForm.form.values.has("to", $0.rawValue)) }, hasMoves: !moves.isEmpty,
            moveForm: moveForm,
            advisers: advisers.map { Option(value: String($0.id), label: $0.name, selected: qualifying.text["adviser_id"] == String($0.id)) },
            reasons: HardToFillReason.allCases.map {
                Option(
                    value: $0.rawValue, label: $0.label,
                    selected: qualifyForm.form.action.isEmpty ? need.hardToFillReasons.contains($0) : qualifying.has("hard_to_fill_reasons", $0.rawValue))
            },
            commentForm: form.scoped(to: "\(here)/commentaires"), cancelForm: form.scoped(to: "\(here)/annuler"),
            commentToken: FormSubmissions.newToken(),
            pipelineHref: isAdviser ? "\(base)/besoins/\(id)/candidatures" : nil, applicationCount: applicationCount,
            presented: presented.map {
                PresentedRow(href: "\(base)/candidatures/\($0.applicationID)", name: $0.name, commune: $0.commune, state: $0.stateLabel)
            },
            hasPresented: !presented.isEmpty,
            form: form.anchored(to: "\(here)/qualifier") { $0 == "comment" ? "qualify-comment" : $0 }.anchored(to: "\(here)/statut") { $0 == "comment" ? "move-comment" : $0 })
    }

    /// What the need's page lists about it.
    static func facts(_ need: JobNeedRecord) -> [Fact] {
        let hours = "\(Formats.hours(need.hoursPerWeek)) h/semaine"
        var facts: [Fact] = [
            .init(label: "Contrat", value: need.contractKind.label),
            .init(label: "Temps de travail", value: need.fullTime ? "Temps plein (\(hours))" : "Temps partiel (\(hours))"),
            .init(label: "Postes", value: "\(need.positionsFilled) pourvu(s) sur \(need.positions)"),
            .init(label: "Début souhaité", value: need.wishedStart.french),
        ]
        if let end = need.endDate { facts.append(.init(label: "Fin", value: end.french)) }
        if let first = need.seasonStart, let last = need.seasonEnd {
            facts.append(.init(label: "Saison", value: "du \(first.french) au \(last.french)" + (need.seasonRecurring ? ", chaque année" : "")))
        }
        facts.append(.init(label: "Lieu de travail", value: need.placeName + (need.placeInsee.map { " (\($0))" } ?? "")))
        if need.payMin != nil || need.payMax != nil {
            let pay = [need.payMin?.french, need.payMax?.french].compactMap { $0 }.joined(separator: " à ")
            facts.append(.init(label: "Salaire brut mensuel", value: pay))
        }
        if let job = need.job { facts.append(.init(label: "Métier (ROME)", value: job.described)) }
        else if let rome = need.romeCode { facts.append(.init(label: "Code ROME", value: rome)) }
        facts.append(.init(label: "Poste", value: need.newlyCreated ? "Création de poste" : "Remplacement"))
        if !need.skills.isEmpty { facts.append(.init(label: "Compétences", value: need.skills)) }
        var licences: [String] = need.drivingLicence ? ["Permis B"] : []
        if !need.otherLicences.isEmpty { licences.append(need.otherLicences) }
        if !licences.isEmpty { facts.append(.init(label: "Permis, habilitations", value: licences.joined(separator: " ; "))) }
        if !need.certificates.isEmpty { facts.append(.init(label: "Diplômes, certificats", value: need.certificates)) }
        if !need.experience.isEmpty { facts.append(.init(label: "Expérience", value: need.experience)) }
        if need.hardToFill {
            var reasons = need.hardToFillReasons.filter { $0 != .other }.map(\.label)
            if !need.hardToFillOther.isEmpty { reasons.append(need.hardToFillOther) }
            facts.append(.init(label: "Difficile à pourvoir", value: reasons.isEmpty ? "Oui" : "Oui : " + reasons.joined(separator: ", ")))
        }
        if need.housingOffered { facts.append(.init(label: "Logement", value: "Proposé par l'employeur")) }
        if let adviser = need.adviserName { facts.append(.init(label: "Conseiller", value: adviser)) }
        facts.append(.init(label: "Déposé le", value: Formats.dateTime(need.submittedAt)))
        return facts
    }
}
