"""Each domain recogniser on small examples, through the public ``extract``."""

from itertools import pairwise

import pytest

from nlp import LABELS, Mention, extract, extract_many


def _find(text, label):
    return [m for m in extract(text) if m.label == label]


def test_container_with_separators_is_canonicalised():
    (m,) = _find("Cntr MSCU 123456-6 was selected for X-ray.", "CONTAINER")
    assert m.text == "MSCU 123456-6"
    assert m.normalized == "MSCU1234566"
    assert m.confidence > 0.9


def test_container_bad_check_digit_gets_low_confidence():
    (m,) = _find("Cntr MSCU 123456-5 was selected for X-ray.", "CONTAINER")
    assert m.confidence < 0.5


def test_imo_and_vessel_name():
    ms = _find("The M/V Baltic Star (IMO 9703291) left Varna.", "VESSEL")
    assert {(m.text, m.normalized) for m in ms} == {
        ("Baltic Star", "BALTIC STAR"),
        ("IMO 9703291", "IMO9703291"),
    }


@pytest.mark.parametrize(
    "text,name",
    [
        ("Cocaine was found aboard the Sea Falcon off Malta.", "Sea Falcon"),
        ("The vessel named Ocean Pride arrived in Tema.", "Ocean Pride"),
        ("Fuel was transferred to MT Karina near Izmail.", "Karina"),
    ],
)
def test_vessel_names_in_context(text, name):
    assert name in [m.text for m in _find(text, "VESSEL")]


@pytest.mark.parametrize(
    "text,codes",
    [
        ("declared under HS 2402.20 as cigarettes", ["240220"]),
        ("HS code 8471.30 (laptops)", ["847130"]),
        ("classified under heading 2402 instead", ["2402"]),
        ("tariff code 2402.20.90, origin Egypt", ["24022090"]),
        ("CN codes 6307.90 and 6109.10 were used", ["630790", "610910"]),
    ],
)
def test_hs_codes_in_context(text, codes):
    assert [m.normalized for m in _find(text, "HS_CODE")] == codes


def test_bare_numbers_are_not_hs_codes():
    assert _find("He paid 2402 euros for 8471 items.", "HS_CODE") == []


def test_phone_international_and_local():
    ms = _find("Call +359 888 123 456 in Bulgaria, or 0888 123 457.", "PHONE")
    assert [m.normalized for m in ms] == ["+359888123456", "+359888123457"]


def test_email_lowercased():
    (m,) = _find("Write to J.Smith@Example.COM today.", "EMAIL")
    assert m.normalized == "j.smith@example.com"


@pytest.mark.parametrize(
    "text,plate",
    [
        ("a truck with plates BG 1234 AB was stopped", "BG1234AB"),
        ("registration CA 1234 AB, driver detained", "CA1234AB"),
        ("the lorry WGM 61522 and semi-trailer WGM 2233P", "WGM61522"),
    ],
)
def test_vehicle_plates_in_context(text, plate):
    assert plate in [m.normalized for m in _find(text, "VEHICLE")]


def test_id_documents():
    ms = _find("He holds passport no. X1234567 and ID card ABC123456.", "ID_DOCUMENT")
    assert [m.normalized for m in ms] == ["X1234567", "ABC123456"]


def test_commodities_with_hs_chapter():
    ms = _find("They smuggled cigarettes, pangolin scales and captagon.", "COMMODITY")
    assert [m.normalized for m in ms] == [
        "cigarettes (HS 24)",
        "pangolin scales (HS 05)",
        "captagon (HS 29)",
    ]


def test_money_and_quantities():
    ms = extract("Duty of EUR 12,600 and USD 1.2 million on 400 cartons, 2.5 tonnes, 10,000 pcs.")
    got = {(m.label, m.normalized) for m in ms}
    assert ("MONEY", "EUR 12600") in got
    assert ("MONEY", "USD 1200000") in got
    assert ("QUANTITY", "400 cartons") in got
    assert ("QUANTITY", "2.5 t") in got
    assert ("QUANTITY", "10000 pcs") in got


def test_count_before_commodity_is_a_quantity():
    ms = extract("Officers seized 2.4 million cigarettes.")
    assert [(m.label, m.text) for m in ms] == [
        ("QUANTITY", "2.4 million"),
        ("COMMODITY", "cigarettes"),
    ]


def test_locations_countries_ports_crossings():
    ms = _find("Tobacco from Turkey via Kapitan Andreevo to the Port of Varna.", "LOCATION")
    assert [(m.text, m.normalized) for m in ms] == [
        ("Turkey", "TR"),
        ("Kapitan Andreevo", "XB:BG:Kapitan Andreevo"),
        ("Port of Varna", "BGVAR"),
    ]


def test_agency_vs_company():
    ms = extract("The Bulgarian Customs Agency fined Baltic Logistics Services Ltd on Monday.")
    labels = {m.text: m.label for m in ms}
    assert labels["Bulgarian Customs Agency"] == "AGENCY"
    assert labels["Baltic Logistics Services Ltd"] == "ORG"


def test_labels_are_within_contract():
    ms = extract("Europol said John Smith shipped 56 kg of cocaine from Guayaquil on 3 May 2023.")
    assert ms
    assert all(m.label in LABELS for m in ms)


def test_contract_dict_shape():
    text = "Container CSQU3054383 arrived in Rotterdam."
    (d,) = [m.to_dict() for m in extract(text) if m.label == "CONTAINER"]
    assert set(d) == {"start", "end", "label", "text", "normalized", "confidence"}
    assert text[d["start"] : d["end"]] == d["text"] == "CSQU3054383"
    assert isinstance(d["confidence"], float)


def test_mention_is_frozen():
    m = Mention(0, 1, "ORG", "A", "A", 0.5)
    with pytest.raises(AttributeError):
        m.start = 3  # type: ignore[misc]


def test_overlap_resolution_one_span_per_range():
    text = "Seized: MSCU 123456-6, 400 cartons of cigarettes, IMO 9703291 and EUR 5,000."
    ms = extract(text)
    for a, b in pairwise(ms):
        assert a.end <= b.start, (a, b)


def test_rule_beats_model_for_specific_labels():
    # the small model tags "MSCU" as a PERSON and "EUR" as an ORG
    ms = extract("Container MSCU 123456-6 worth EUR 12,600 was held.")
    assert {m.label for m in ms} == {"CONTAINER", "MONEY"}


def test_extract_many_matches_extract():
    texts = ["Europol helped.", "Cocaine in TGHU8765436 at Antwerp."]
    assert extract_many(texts) == [extract(t) for t in texts]


def _pairs(text):
    """(label, text) of every mention, in order."""
    return [(m.label, m.text) for m in extract(text)]


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("Officers of the Customs Administration of Montenegro seized heroin.",
         "Customs Administration of Montenegro"),
        ("The Customs Anti-Smuggling Directorate led the raid.",
         "Customs Anti-Smuggling Directorate"),
        ("Philippine Drug Enforcement Agency officers found shabu.",
         "Philippine Drug Enforcement Agency"),
        ("It was seized by the Directorate General of Customs and Excise on Monday.",
         "Directorate General of Customs and Excise"),
        ("The State Customs Committee of Azerbaijan reported the case.",
         "State Customs Committee of Azerbaijan"),
    ],
)
def test_public_bodies_by_the_shape_of_their_names(text, body):
    assert ("AGENCY", body) in _pairs(text)


def test_shape_of_a_body_name_keeps_companies_and_neighbours_apart():
    found = _pairs(
        "Singapore Customs and the Immigration and Checkpoints Authority raided Orion Shipping "
        "Agency; HMRC Border Force officers assisted.")
    assert ("AGENCY", "Singapore Customs") in found
    assert ("AGENCY", "Immigration and Checkpoints Authority") in found
    assert ("AGENCY", "HMRC") in found and ("AGENCY", "Border Force") in found
    assert not any(label == "AGENCY" and "Shipping" in text for label, text in found)
    # a listed body's own name wins over a leading nationality
    assert ("AGENCY", "Federal Police") in _pairs(
        "Brazilian Federal Police seized cocaine.")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("A truck was stopped at the Sukobin-Muriqan border crossing.", "Sukobin-Muriqan"),
        ("Liaison log: Svilengrad BCP, lorry refused entry.", "Svilengrad"),
        ("Cars queued at border crossing point Medyka overnight.", "Medyka"),
    ],
)
def test_border_crossings_are_places(text, place):
    assert ("LOCATION", place) in _pairs(text)


def test_a_person_of_a_body_stays_a_person():
    found = _pairs(
        "According to Dr. Maria Schmidt of the Hamburg Port Authority, the goods were fake.")
    assert ("PERSON", "Maria Schmidt") in found
    assert ("AGENCY", "Hamburg Port Authority") in found


def test_companies_named_without_a_legal_form():
    found = _pairs(
        "Fresh Fields Imports and Baltic Star Trading shipped shoes; Nordic Fish Imports paid.")
    for name in ("Fresh Fields Imports", "Baltic Star Trading", "Nordic Fish Imports"):
        assert ("ORG", name) in found


def test_ship_types_introduce_vessel_names():
    found = _pairs(
        "The bulk carrier Ocean Glory and the reefer Polar Dawn were searched.")
    assert ("VESSEL", "Ocean Glory") in found and ("VESSEL", "Polar Dawn") in found


def test_local_numbers_take_the_country_of_the_texts_international_ones():
    found = {m.text: m for m in extract("Call +359 2 988 1234 or 0888 123 456 after six.")}
    assert found["0888 123 456"].label == "PHONE"
    assert found["0888 123 456"].normalized == "+359888123456"


def test_digit_groups_are_not_dates():
    found = _pairs(
        "Consignee Varna Trade OOD (EIK 203456789), tel. 0532 111 22 33, seen on 12.03.2025.")
    assert [text for label, text in found if label == "DATE"] == ["12.03.2025"]


def test_customs_terms_and_country_codes_are_not_companies():
    found = _pairs(
        "LO log: TIR truck 34 ABC 123 (TR), pax Olga KOVALENKO, UA passport FH123456, "
        "works for TRANS EXPRESS EOOD.")
    orgs = [text for label, text in found if label == "ORG"]
    assert orgs == ["TRANS EXPRESS EOOD"]


def test_facilities_and_more_trade_names():
    found = _pairs(
        "Li Wei of Shenzhen Bright Star Electronics flew out of Queen Alia International "
        "Airport; Aegean Blue Maritime and Poseidon Fuel Trading paid the Irish Naval Service.")
    assert ("ORG", "Shenzhen Bright Star Electronics") in found
    assert ("LOCATION", "Queen Alia International Airport") in found
    assert ("ORG", "Aegean Blue Maritime") in found and ("ORG", "Poseidon Fuel Trading") in found
    assert ("AGENCY", "Irish Naval Service") in found


def test_local_numbers_of_the_home_country_when_the_text_names_none():
    from nlp import set_home_region

    text = "Informant called from 0888 123 456 about the lorry."
    assert "PHONE" not in [m.label for m in extract(text)]
    set_home_region("BG")
    try:
        found = {m.text: m for m in extract(text)}
        assert found["0888 123 456"].label == "PHONE"
        assert found["0888 123 456"].normalized == "+359888123456"
    finally:
        set_home_region(None)


@pytest.mark.parametrize(("text", "iso"), [
    ("The truck crossed on 3 Jan 2025 at Kapitan Andreevo.", "2025-01-03"),
    ("On March 3rd, 2025 officers found 40 kg of cocaine.", "2025-03-03"),
    ("The vessel left Varna on the 14th of February 2024.", "2024-02-14"),
    ("Seized on 12.03.2025 in Burgas.", "2025-03-12"),
])
def test_dates_in_words_are_normalised_to_iso(text, iso):
    dates = [m for m in extract(text) if m.label == "DATE"]
    assert [m.normalized for m in dates] == [iso], dates


def test_date_normalisation_keeps_what_is_not_one_date():
    from nlp.rules import normalize_date

    assert normalize_date("March 2025") == "2025-03"
    assert normalize_date("31 February 2025") == "31 February 2025"
    assert normalize_date("between 3 and 5 February 2025") == "between 3 and 5 February 2025"
    assert normalize_date("last  week") == "last week"


def test_a_local_number_after_a_phone_word_is_kept_without_a_country():
    found = {m.text: m for m in extract("Contact Ana María García López, tel. 0888 123 456.")}
    assert found["0888 123 456"].label == "PHONE"
    assert found["0888 123 456"].normalized == "0888123456"
    assert found["Ana María García López"].label == "PERSON"
    assert "tel" not in found  # not an organisation


def test_a_name_in_apposition_to_a_role_is_a_person():
    found = _pairs("The driver, Luis Fernández Ruiz, was arrested at the terminal.")
    assert ("PERSON", "Luis Fernández Ruiz") in found


@pytest.mark.parametrize("text", ["Officers in Crete seized 40 kg of heroin.",
                                  "The yacht was boarded off Crete."])
def test_one_word_after_a_place_preposition_is_a_place(text):
    assert ("LOCATION", "Crete") in _pairs(text)


def test_names_with_letters_beyond_ascii_after_a_title():
    found = _pairs("Driver Mehmet Öztürk told officers the load was for Anatolia Gıda A.Ş.; "
                   "the courier Łukasz Żółkiewski was detained.")
    assert ("PERSON", "Mehmet Öztürk") in found and ("PERSON", "Łukasz Żółkiewski") in found


def test_nationality_words_are_not_names():
    found = _pairs("A truck with Kazakh plates and a Czech driver crossed at Troitsk.")
    assert not [text for label, text in found if label in ("PERSON", "ORG")], found


def test_vessel_on_board_after_a_container_number():
    found = _pairs("Container CMAU 765432 1 on board MSC Gulsun, ETA Koper 14/03/2025.")
    assert ("VESSEL", "MSC Gulsun") in found and ("CONTAINER", "CMAU 765432 1") in found


def test_a_city_the_model_alone_calls_a_person_stays_a_city():
    found = {m.text: m for m in extract(
        "Hotline tip: untaxed alcohol sold from 15 Industrialna Str., Plovdiv; "
        "his phone is 0887 654 321.")}
    assert (found["Plovdiv"].label, found["Plovdiv"].normalized) == ("LOCATION", "BG:Plovdiv")
    assert found["0887 654 321"].label == "PHONE"


def test_initials_defined_in_brackets_are_the_name_they_follow():
    found = [(m.label, m.text, m.normalized) for m in extract(
        "The National Revenue Agency (NRA) inspected Golden Star Trading Company (GSTC) "
        "in Ruse. The NRA fined GSTC twice.")]
    assert found.count(("AGENCY", "NRA", "National Revenue Agency")) == 2
    assert found.count(("ORG", "GSTC", "Golden Star Trading Company")) == 2


def test_country_prefixed_plate_and_no_currency_inside_it():
    found = _pairs("TIR truck TR 34 AB 1234 / trailer 34 ZZ 987 was sent to the red lane.")
    assert ("VEHICLE", "TR 34 AB 1234") in found and ("VEHICLE", "34 ZZ 987") in found
    assert not [text for label, text in found if label == "MONEY"]


def test_brand_words_and_code_names_are_not_goods_or_organisations():
    found = _pairs("Europol analysis project SOYA links the vessel to 2,000 cartons of "
                   "Marlboro Gold; gold bars were found too.")
    assert ("COMMODITY", "Gold") not in found and ("COMMODITY", "gold bars") in found
    assert not [text for label, text in found if text == "SOYA"]


def test_bank_identifiers_are_checksum_validated_and_cards_withheld():
    text = ("Pay to IBAN DE89 3704 0044 0532 0130 00 (BIC COBADEFFXXX), not DE89 3704 0044 "
            "0532 0130 01. VAT number IT00743110157. Card 4111 1111 1111 1111, tel 4111.")
    ids = {(m.text, m.normalized) for m in _find(text, "ID_DOCUMENT")}
    assert ids == {("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
                   ("COBADEFFXXX", "COBADEFFXXX"), ("IT00743110157", "IT00743110157")}
    assert not [m for m in extract(text) if "4111 1111" in m.text]


@pytest.mark.parametrize(
    "text,number,normalized",
    [
        ("To report, call 1-800-BE-ALERT today.", "1-800-BE-ALERT", "+18002325378"),
        ("ICE tip line 1-866-DHS-2-ICE.", "1-866-DHS-2-ICE", "+18663472423"),
        ("Crimestoppers on 0800 555 111.", "0800 555 111", "0800555111"),
        ("Border Watch 1800 009 623.", "1800 009 623", "1800009623"),
        ("call me back on 6944 123 456", "6944 123 456", "6944123456"),
        ("Call 555-0100 for details.", "555-0100", "5550100"),
    ],
)
def test_toll_free_vanity_and_cued_local_phones(text, number, normalized):
    assert [(m.text, m.normalized) for m in _find(text, "PHONE")] == [(number, normalized)]


@pytest.mark.parametrize(
    "text,name",
    [
        ("Cocaine arrived aboard the MSC Gayane from Peru.", "MSC Gayane"),
        ("The Liberian-flagged Star Athena docked in Tema.", "Star Athena"),
        ("They boarded the Santa Lucia, a Panamanian-flagged bulk carrier.", "Santa Lucia"),
        ("vessel name is Ocean Breeze flag Togo", "Ocean Breeze"),
        ("containers on board M/V BUXFAVOURITE arriving", "BUXFAVOURITE"),
    ],
)
def test_vessel_names_without_a_ship_type_before_them(text, name):
    assert name in [m.text for m in _find(text, "VESSEL")]


def test_relative_dates_and_lone_weekdays_are_not_dates():
    text = ("On Monday officers said that yesterday and last Friday they found nothing; the "
            "raid of 14 March 2025 followed one at the end of June 2024.")
    assert [m.text for m in _find(text, "DATE")] == ["14 March 2025", "June 2024"]


def test_brands_acronyms_and_public_body_abbreviations():
    text = ("ZIMRA seized fake Nike trainers and a Volvo truck. The Zimbabwe Revenue "
            "Authority (ZIMRA) works with HSI and NDLEA.")
    found = {(m.text, m.label) for m in extract(text)}
    assert {("ZIMRA", "AGENCY"), ("HSI", "AGENCY"), ("NDLEA", "AGENCY")} <= found
    assert not {t for t, label in found if label == "ORG"}


@pytest.mark.parametrize(
    "text,codes",
    [
        ("declared under HTSUS 9503.00.0073", ["9503000073"]),
        ("classifiable under CTI 8509 80 00, not CTI 8479", ["85098000", "8479"]),
        ("Heading 90.01 covers lenses", ["9001"]),
        ("entered as 8517.12.00 phones", ["85171200"]),
    ],
)
def test_more_tariff_code_forms(text, codes):
    assert [m.normalized for m in _find(text, "HS_CODE")] == codes


@pytest.mark.parametrize(
    "text,quantity,goods",
    [
        ("seized two bags of rice", "two bags", "rice"),
        ("found five pump-action rifles", "five", "pump-action rifles"),
        ("eighty-one (81) cartons of duty-unpaid cigarettes", "eighty-one (81) cartons",
         "duty-unpaid cigarettes"),
    ],
)
def test_counts_in_words_and_goods_with_qualifiers(text, quantity, goods):
    assert quantity in [m.text for m in _find(text, "QUANTITY")]
    assert goods in [m.text for m in _find(text, "COMMODITY")]


@pytest.mark.parametrize("text", ["seized two containers of rice", "in a 40-foot container",
                                  "found in two 20 foot containers of rice"])
def test_counts_of_containers_are_no_quantity(text):
    """The guideline counts goods, not the boxes they travel in."""
    assert _find(text, "QUANTITY") == []


@pytest.mark.parametrize("text,orgs", [
    ("Officers seized Kingsgate cigarettes at Aflao on Monday.", []),
    ("The goods were consigned to Jadeluck Trading Corporation in Manila.",
     ["Jadeluck Trading Corporation"]),
])
def test_a_company_needs_a_cue_word_or_a_legal_form(text, orgs):
    assert [m.text for m in _find(text, "ORG")] == orgs


@pytest.mark.parametrize("text,phones", [
    ("Anyone with information may call ZIMRA on 08677 007 688 or the local office on "
     "0286 23456.", ["08677 007 688", "0286 23456"]),
    ("Call hotline 0700 225 5337 they said.", ["0700 225 5337"]),
    ("The truck was stopped on 14 March. It carried 4500 cartons.", []),
])
def test_local_numbers_a_sentence_says_are_to_call(text, phones):
    assert [m.text for m in _find(text, "PHONE")] == phones


def test_a_surname_alone_is_the_person_named_in_full():
    text = ("A grand jury indicted Jorge Alberto Salinas of Laredo. Salinas shipped rifle "
            "barrels to Mexico.")
    assert [m.text for m in _find(text, "PERSON")] == ["Jorge Alberto Salinas", "Salinas"]


@pytest.mark.parametrize("text,goods", [
    ("They found 460 bags of fertilizer at Aflao.", "fertilizer"),
    ("The importer declared the consignment as bathroom fittings under code 6910.",
     "bathroom fittings"),
])
def test_goods_named_by_their_count_or_declaration(text, goods):
    assert goods in [m.text for m in _find(text, "COMMODITY")]


@pytest.mark.parametrize("text,label,names", [
    ("India's Directorate of Revenue Intelligence seized gold.", "AGENCY",
     ["Directorate of Revenue Intelligence"]),
    ("the zimra officers took bribes, Sars said", "AGENCY", ["zimra", "Sars"]),
    ("CIIS officers and ESS agents inspected it; HGV drivers and CTH officials watched.",
     "AGENCY", ["CIIS", "ESS"]),
    ("Police boarded the fishing vessel Yuet Fung 8 off Tsing Yi.", "VESSEL", ["YUET FUNG 8"]),
    ("Officers at Mundra Port and Manila International Container Port", "LOCATION",
     ["Mundra Port", "Manila International Container Port"]),
])
def test_bodies_ships_and_ports_by_their_context(text, label, names):
    found = [m.normalized if label == "VESSEL" else m.text for m in _find(text, label)]
    assert found == names
