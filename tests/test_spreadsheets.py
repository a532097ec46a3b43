from config.spreadsheets import safe_cell


def test_formula_like_text_is_escaped_and_numbers_are_not():
    assert safe_cell("=SUM(A1)") == "'=SUM(A1)"
    assert safe_cell("@home") == "'@home"
    assert safe_cell("- a list item") == "'- a list item"
    assert safe_cell("-0.50") == "-0.50"
    assert safe_cell("+1") == "+1"
    assert safe_cell(7) == 7
    assert safe_cell("plain") == "plain"
    assert safe_cell("\t=1+1") == "'\t=1+1"
    assert safe_cell("\rcmd") == "'\rcmd"
