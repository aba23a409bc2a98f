import Foundation

/// The export's page for the person: a self-contained French HTML page (its style inside,
/// nothing fetched), to read or print, with every section of the JSON file and every field of
/// its rows, labelled in French.
enum PersonalDataPage {
    static func html(_ sections: [PersonalDataSection], candidateID: Int64, centreName: String, now: Date) -> String {
        var body = ""
        var contents = ""
        for section in sections {
            let anchor = section.key.replacingOccurrences(of: "_", with: "-")
            let value = (try? JSONSerialization.jsonObject(with: Data(section.json.utf8), options: [.fragmentsAllowed])) ?? NSNull()
            let items: [[String: Any]]
            if let object = value as? [String: Any] { items = [object] }
            else { items = (value as? [Any])?.compactMap { $0 as? [String: Any] } ?? [] }
            contents += "<li><a href=\"#\(anchor)\">\(HTML.escape(section.title))</a> (\(items.count))</li>"
            body += "<section id=\"\(anchor)\"><h2>\(HTML.escape(section.title))</h2>"
            if items.isEmpty { body += "<p class=\"empty\">Rien.</p>" }
            for (index, item) in items.enumerated() {
                if items.count > 1 || section.key != "record" { body += "<h3>\(index + 1).</h3>" }
                body += "<dl>"
                for key in item.keys.sorted(by: { order($0) < order($1) }) {
                    body += "<dt>\(HTML.escape(label(key)))</dt><dd>\(HTML.escape(text(item[key], key: key, section: section.key)))</dd>"
                }
                body += "</dl>"
            }
            body += "</section>"
        }
        let title = "Vos données personnelles : \(centreName)"
        return """
            <!DOCTYPE html>
            <html lang="fr">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid #999; margin-top: 2rem; } h3 { font-size: 1rem; margin-bottom: 0.25rem; }
            dl { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; gap: 0.2rem 1rem; margin: 0 0 1rem; }
            dt { font-weight: 600; } dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
            .empty { color: #555; }
            @media print { body { margin: 0; max-width: none; } section { break-inside: auto; } h2, h3 { break-after: avoid; } a { color: inherit; text-decoration: none; } }
            </style>
            </head>
            <body>
            <h1>\(HTML.escape(title))</h1>
            <p>Ce document rassemble tout ce que \(HTML.escape(centreName)) détient sur vous dans Renfort (fiche n°\u{00A0}\(candidateID)), au \(HTML.escape(Formats.dateTime(now))). Il est accompagné du fichier <code>donnees.json</code> (les mêmes données, lisibles par un programme) et de vos documents, dans le dossier <code>documents</code>.</p>
            <p>Les notes des conseillers y figurent : ce sont aussi des données sur vous. Pour faire corriger ou effacer ces données, adressez-vous au centre.</p>
            <nav aria-label="Sommaire"><h2>Sommaire</h2><ul>\(contents)</ul></nav>
            \(body)
            </body>
            </html>

            """
    }

    /// A value as the page writes it: days and times in French, yes or no, lists joined,
    /// the closed lists' words.
    static func text(_ value: Any?, key: String, section: String = "") -> String {
        guard let value, !(value is NSNull) else { return "—" }
        if let string = value as? String { return word(string, key: key, section: section) }
        if let list = value as? [Any] { return list.isEmpty ? "—" : list.map { text($0, key: key, section: section) }.joined(separator: ", ") }
        // Foundation reads JSON's true and false as its boolean kind of number.
        if "\(type(of: value))" == "__NSCFBoolean", let flag = value as? Bool { return flag ? "oui" : "non" }
        return "\(value)"
    }

    private static func word(_ raw: String, key: String, section: String) -> String {
        if section == "access_log", key == "kind", let kind = AccessKind(rawValue: raw) { return kind.label }
        if section == "access_log", key == "place", let place = AccessPlace(rawValue: raw) { return place.label }
        switch key {
        case "stage", "from_stage", "to_stage": if let stage = ApplicationStage(rawValue: raw) { return stage.label }
        case "contract_kind", "wished_contracts": if let contract = ContractKind(rawValue: raw) { return contract.label }
        case "source": if let source = CandidateSource(rawValue: raw) { return source.label }
        case "mode": if let mode = Interview.Mode(rawValue: raw) { return mode.label }
        case "outcome": if let outcome = Interview.Outcome(rawValue: raw) { return outcome.label }
        case "end_reason": if let reason = EndReason(rawValue: raw) { return reason.label }
        default: break
        }
        if let day = Day(iso: raw) { return day.french }
        if raw.count >= 19, raw.dropFirst(10).first == "T" || raw.dropFirst(10).first == " ", let date = timestamp(raw) { return Formats.dateTime(date) }
        return raw
    }

    /// A `timestamptz` as `to_jsonb` writes it: `2026-12-01T10:00:00.123456+00:00`.
    private static func timestamp(_ raw: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: raw) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: raw)
    }

    /// Identifiers first, then the fields in a reading order, then the rest alphabetically.
    private static func order(_ key: String) -> String {
        if let index = keyOrder.firstIndex(of: key) { return String(format: "%03d", index) }
        return "999" + key
    }

    private static let keyOrder = [
        "id", "candidate_id", "first_name", "last_name", "email", "phone", "commune_name", "commune_insee", "birth_date", "need_title",
        "business_name", "stage", "at", "sent_at", "starts_at", "due_on", "kind", "by", "who",
    ]

    static func label(_ key: String) -> String { labels[key] ?? key.replacingOccurrences(of: "_", with: " ") }

    /// The columns' names in French; a column added later shows its own name until it has one here.
    private static let labels: [String: String] = [
        "id": "Numéro", "candidate_id": "Fiche n°", "first_name": "Prénom", "last_name": "Nom", "email": "E-mail", "phone": "Téléphone",
        "commune_name": "Commune", "commune_insee": "Code INSEE de la commune", "birth_date": "Date de naissance",
        "driving_licence": "Permis de conduire", "own_vehicle": "Véhicule", "travel_km": "Distance acceptée (km)", "skills": "Compétences",
        "experience": "Expérience", "available_from": "Disponible à partir du", "seasonal_windows": "Disponibilités saisonnières (note)",
        "position": "Rang", "rome_code": "Code ROME", "appellation_id": "Intitulé n°", "title": "Intitulé", "rome_label": "Métier (ROME)",
        "starts_on": "Du", "ends_on": "Au", "every_year": "Chaque année",
        "wished_contracts": "Contrats souhaités", "source": "Origine", "notes": "Notes", "consent_at": "Consentement donné le",
        "consent_scope": "Objet du consentement", "purge_after": "À supprimer après le", "merged_into": "Fusionnée dans la fiche n°",
        "created_at": "Créé le", "updated_at": "Modifié le", "erased_at": "Effacée le", "kind": "Nature", "value": "Valeur",
        "from_candidate_id": "Venue de la fiche n°", "added_at": "Ajouté le", "need_id": "Besoin n°", "need_title": "Poste",
        "business_name": "Entreprise", "business_id": "Entreprise n°", "stage": "Étape", "rejection_reason_id": "Motif n°",
        "rejection_reason": "Motif de fin", "ending_note": "Note de fin", "employer_answer": "Réponse de l'employeur",
        "employer_note": "Note de l'employeur", "employer_answered_at": "Réponse de l'employeur le", "presented_at": "Présentée le",
        "last_move_at": "Dernier changement le", "created_by": "Créé par (n°)", "application_id": "Candidature n°", "at": "Date",
        "actor_id": "Par (n°)", "by": "Par", "from_stage": "Depuis l'étape", "to_stage": "Vers l'étape", "comment": "Commentaire",
        "starts_at": "Début", "duration_minutes": "Durée (minutes)", "mode": "Forme", "place": "Lieu", "attendees": "Participants",
        "outcome": "Bilan", "outcome_note": "Note du bilan", "contract_kind": "Contrat", "start_date": "Début", "end_date": "Fin",
        "hours_per_week": "Heures par semaine", "gross_pay": "Salaire brut (centimes)", "status": "État", "decline_reason": "Motif du refus",
        "answered_at": "Répondu le", "full_time": "Temps plein", "newly_created": "Poste créé", "candidate_source": "Origine (copie)",
        "candidate_commune": "Commune (copie)", "trial_days": "Période d'essai (jours)", "ended_on": "Fin le", "end_reason": "Motif de fin",
        "at_risk": "À risque", "placement_id": "Embauche n°", "due_on": "Prévu le", "label": "Étape du suivi", "done_on": "Fait le",
        "done_by": "Fait par (n°)", "contacted": "Personne contactée", "channel": "Moyen", "risks": "Risques", "action_kinds": "Actions",
        "actions": "Actions menées", "next_contact": "Prochain contact", "closed": "Clos", "unscheduled": "Hors calendrier",
        "message": "Message", "handled_at": "Traité le", "handled_note": "Note de traitement", "recipient": "Destinataire",
        "subject": "Objet", "body": "Texte", "has_attachment": "Pièce jointe", "author_id": "Auteur (n°)", "sent_at": "Envoyé le",
        "filename": "Fichier", "size": "Taille (octets)", "sha256": "Empreinte SHA-256", "uploaded_by": "Déposé par (n°)",
        "uploaded_at": "Déposé le", "file": "Dans l'archive", "detail": "Détail", "by_candidate": "Par la personne elle-même",
        "user_id": "Par (n°)", "document_id": "Document n°", "offer_id": "Offre n°", "keep_for_other_posts": "À garder pour d'autres postes",
        "matched": "Rapprochée de la fiche", "received_at": "Reçue le",
    ]
}
