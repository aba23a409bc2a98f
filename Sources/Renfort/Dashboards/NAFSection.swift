/// The sections of the French activity nomenclature (NAF rév. 2), for the sector filter.
enum NAFSection {
    static let all: [(code: String, label: String)] = [
        ("A", "Agriculture, sylviculture et pêche"), ("B", "Industries extractives"), ("C", "Industrie manufacturière"),
        ("D", "Électricité, gaz, vapeur"), ("E", "Eau, assainissement, déchets"), ("F", "Construction"),
        ("G", "Commerce, réparation d'automobiles"), ("H", "Transports et entreposage"), ("I", "Hébergement et restauration"),
        ("J", "Information et communication"), ("K", "Activités financières et d'assurance"), ("L", "Activités immobilières"),
        ("M", "Activités spécialisées, scientifiques et techniques"), ("N", "Services administratifs et de soutien"),
        ("O", "Administration publique"), ("P", "Enseignement"), ("Q", "Santé humaine et action sociale"),
        ("R", "Arts, spectacles et activités récréatives"), ("S", "Autres activités de services"),
        ("T", "Activités des ménages employeurs"), ("U", "Activités extra-territoriales"),
    ]

    static func label(_ code: String) -> String { all.first { $0.code == code }?.label ?? code }

    /// The section of a NAF code such as `56.10A` (the same rule as SQL's `naf_section`).
    static func code(of naf: String) -> String? {
        let digits = naf.utf8.prefix(2)
        guard digits.count == 2, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let division = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return sectionOfDivision[division]
    }

    /// The section of each NAF division (its first two digits), nil where there is none.
    private static let sectionOfDivision: [String?] = {
        let bounds: [(ClosedRange<Int>, String)] = [
            (1...3, "A"), (5...9, "B"), (10...33, "C"), (35...35, "D"), (36...39, "E"), (41...43, "F"), (45...47, "G"), (49...53, "H"),
            (55...56, "I"), (58...63, "J"), (64...66, "K"), (68...68, "L"), (69...75, "M"), (77...82, "N"), (84...84, "O"), (85...85, "P"),
            (86...88, "Q"), (90...93, "R"), (94...96, "S"), (97...98, "T"), (99...99, "U"),
        ]
        return (0...99).map { division in bounds.first { $0.0.contains(division) }?.1 }
    }()
}
