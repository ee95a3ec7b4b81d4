"""Every issue code ovm gives, with an example message and what to do: the source of docs/errors.md.

``python -m ovm.codes`` prints the page (``--write`` writes ``docs/errors.md``); a test fails
when the page and this registry differ, and another when the code base can give a code this
registry lacks.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, NamedTuple

Area = Literal[
    "files",
    "rubric",
    "workspace",
    "tables",
    "checklists",
    "plausibility",
    "scores",
    "pull",
    "whatif",
    "outputs",
    "arguments",
]


class Code(NamedTuple):
    """One issue code: where it arises, an example message, the fix, and its usual severity."""

    area: Area
    example: str
    fix: str
    severity: str = "error"


AREAS: dict[Area, str] = {
    "files": "Reading any file (YAML files: rubric, missions.yaml, ovm.yaml)",
    "rubric": "The rubric (`ovm validate`)",
    "workspace": "The workspace: ovm.yaml and missions.yaml (`ovm check`)",
    "tables": "Tables: CSV and XLSX files",
    "checklists": "Observer checklists and KoboToolbox / ODK Central exports",
    "plausibility": "Plausibility of observer visits (warnings: the rows are used)",
    "scores": "Notes on scores (a score undefined or to be read with care, never a refusal)",
    "pull": "Fetching field data (`ovm pull`)",
    "whatif": "Changing a mission's inputs (`ovm whatif --set`)",
    "outputs": "Writing an output (`-o FILE`)",
    "arguments": "Naming the workspace on the command line",
}

CODES: dict[str, Code] = {
    # --- files and YAML ------------------------------------------------------------------
    "file-not-found": Code(
        "files",
        "ovm.yaml:3:11 missions: 'missions.yaml' does not exist (relative to ws): correct the "
        "path or add the file",
        "Correct the path (relative to the workspace folder) or add the file; for a missing "
        "ovm.yaml, make a workspace with `ovm init DIR`; for a file `ovm pull` wrote before, "
        "run `ovm pull` again.",
    ),
    "file-too-large": Code(
        "files",
        "rubric.yaml:1:1 6,294,984 bytes; the limit for a YAML file is 5 MiB: split it, or remove"
        " what is not ovm's input",
        "Split the data into several files, each named in ovm.yaml, or remove what is not "
        "ovm's input (pasted documents, images); the limits of each format are in "
        "workspace.md (CSV 1 GiB, Parquet 256 MiB, XLSX 100 MiB and 1 GiB unzipped, YAML 5 MiB).",
    ),
    "file-unreadable": Code(
        "files",
        "ovm.yaml:6:11 checklists[0].path: 'checklists.csv' is a folder: name a file",
        "Name a file, not a folder, a pipe or a device, and make it readable by the user "
        "running ovm.",
    ),
    "invalid-encoding": Code(
        "files",
        "missions.yaml:11:13 not UTF-8: byte 0xe9 at offset 343 (invalid continuation byte): save"
        " the file as UTF-8",
        "Save the file as UTF-8 (Excel: Save As, CSV UTF-8; LibreOffice: character set "
        "Unicode (UTF-8); any editor: encoding UTF-8).",
    ),
    "yaml-syntax": Code(
        "files",
        "missions.yaml:12:13 a list in brackets opened at line 11, column 11 is not closed where "
        "expected: close it with ']'",
        "Correct the YAML at the line given: close the bracket or quote, align the "
        "indentation with the line above, quote text holding `: ` or `#`.",
    ),
    "yaml-too-complex": Code(
        "files",
        "rubric.yaml:6:5 document expands to more than 500000 nodes (alias bomb?)",
        "Write the document out without aliases (`*name`) that repeat large parts.",
    ),
    "yaml-too-deep": Code(
        "files",
        "missions.yaml:11:209 nesting deeper than 200",
        "Flatten the structure: no ovm file nests more than a few levels.",
    ),
    "duplicate-key": Code(
        "files",
        "missions.yaml:12:5 missions[1].name: key 'name' appears more than once (first at line 11)",
        "Keep one of the two entries (YAML would silently keep the last).",
    ),
    "invalid-key": Code(
        "files",
        "f.yaml:4:3 keys must be plain scalars",
        "Write the key as plain text (no list or mapping as a key).",
    ),
    "invalid-tag": Code(
        "files",
        "missions.yaml:11:11 missions[1].name: the tag '!!python/object/apply:os.system' is not "
        "allowed: remove it and write the plain value",
        "Remove the `!tag` and write the plain value.",
    ),
    "control-character": Code(
        "workspace",
        "missions.yaml:11:11 missions[1].name: a control character (such as BEL or ESC) is in the"
        " text: remove it",
        "Remove the invisible character (it often comes from copying out of a terminal or a PDF).",
    ),
    "init-placeholder": Code(
        "workspace",
        "missions.yaml:5:37 warning: missions[0].election.date: 2020-01-01 is the date ovm init "
        "wrote: write the election day",
        "Write what ovm init left for the team to fill in: the election day, the mission's name.",
        "warning",
    ),
    # --- rubric ------------------------------------------------------------------------------
    "not-a-mapping": Code(
        "rubric",
        "f.yaml:1:1 a rubric is a mapping with id, version, families",
        "Start from `ovm template` or the bundled rubric: a rubric is a mapping of fields.",
    ),
    "not-a-rubric": Code(
        "rubric",
        "missions.yaml:1:1 missions: this is a missions file (it lists `missions:`), not a "
        "rubric: `ovm check FOLDER` checks the workspace it belongs to",
        "Give `ovm validate` the rubric (the file `rubric:` of ovm.yaml names), or check the "
        "whole workspace with `ovm check FOLDER`.",
    ),
    "missing-field": Code(
        "rubric",
        "missions.yaml:1:1 a missions file is a mapping with a 'missions' list",
        "Add the field named (in missions.yaml: each mission needs id, country, name, election).",
    ),
    "unknown-field": Code(
        "rubric",
        "ovm.yaml:5:1 checklist: unknown field `checklist`, did you mean `checklists`?",
        "Correct the field's name (the message suggests the nearest one) or remove it.",
    ),
    "invalid-choice": Code(
        "rubric",
        "ovm.yaml:7:13 checklists[0].layout: must be one of plain, kobo, odk",
        "Use one of the values listed.",
    ),
    "unknown-kind": Code(
        "rubric",
        "rubric.yaml:26:15 families[0].children[0].kind: unknown kind 'level'; expected one of "
        "levels, answer, checklist, quantitative, comparative (or children for a group): did you "
        "mean levels?",
        "Use one of the kinds listed, or give `children` for a group.",
    ),
    "invalid-format": Code(
        "rubric",
        "missions.yaml:9:9 missions[1].id: 'BBB 2021' is not a mission id: ids are lowercase "
        "letters, digits, '.', '_' or '-', starting with a letter or a digit",
        "Write the value in the form the field takes (an id in lower case, a date as "
        "YYYY-MM-DD, a version as text).",
    ),
    "too-short": Code(
        "rubric",
        "f.yaml:20:11 families[0].children[0].levels: Tuple should have at least 2 items after "
        "validation, not 1",
        "Add at least one entry to the list.",
    ),
    "out-of-range": Code(
        "rubric",
        "checklists.csv:2:9 practice.queue must be at least 0, not -15",
        "Use a number inside the range the message gives (scores run from 0 to 100).",
    ),
    "invalid-value": Code(
        "rubric",
        "ovm.yaml:8:18 settings.seed: a number is expected, not yes or no",
        "Write a value of the type the field takes (the message says which).",
    ),
    "invalid-weight": Code(
        "rubric",
        "rubric.yaml:48:13 families[1].weight: must be > 0",
        "Give a positive number (yes and no are not weights).",
    ),
    "invalid-id": Code(
        "rubric",
        "rubric.yaml:34:13 families[0].children[1].id: 'Rights Postal' is not an id: ids are "
        "lowercase letters, digits, '.', '_' or '-', starting with a letter or a digit",
        "Ids are lower-case letters, digits, `_`, `.` and `-`, starting with a letter.",
    ),
    "invalid-name": Code(
        "rubric",
        "rubric.yaml:13:12 variables[0].name: 'Registered' is not a name: names are lowercase "
        "letters, digits or '_', starting with a letter or '_': did you mean registered?",
        "Variable names are lower-case letters, digits and `_`, starting with a letter.",
    ),
    "invalid-coverage": Code(
        "rubric",
        "rubric.yaml:49:19 families[1].min_coverage: must be at most 1",
        "Give `min_coverage` as a share between 0 and 1.",
    ),
    "invalid-language": Code(
        "rubric",
        "f.yaml:5:12 languages: must be a list",
        "Use two-letter language codes (en, es, fr, pt).",
    ),
    "invalid-type": Code(
        "workspace",
        "missions.yaml:16:5 missions[2]: a mission is a mapping",
        "Write the entry as a mapping of fields (`id:`, `country:`, ...).",
    ),
    "duplicate-id": Code(
        "rubric",
        "rubric.yaml:34:13 families[0].children[1].id: id 'rights.basis' is already used",
        "Give each node and reference its own id (`overall` is reserved).",
    ),
    "bands-unordered": Code(
        "rubric",
        "rubric.yaml:10:5 bands[1]: min 90 is not below max 80",
        "List bands from the lowest to the highest, each `min` below its `max`.",
    ),
    "bands-overlap": Code(
        "rubric",
        "rubric.yaml:10:5 bands[1]: starts at 40, inside the previous band (up to 50)",
        "Start each band where the previous one ends.",
    ),
    "bands-gap": Code(
        "rubric",
        "rubric.yaml:10:5 bands[1]: scores from 50 to 60 fall in no band",
        "Start each band where the previous one ends; score bands cover 0 to 100.",
    ),
    "missing-translation": Code(
        "rubric",
        "rubric.yaml:4:8 title: no text for declared language(s): es",
        "Add the text in every language the rubric declares in `languages`.",
    ),
    "empty-group": Code(
        "rubric",
        "f.yaml:11:5 families[0]: a group needs at least one child or a formula",
        "Add an indicator to the group or remove the group.",
    ),
    "missing-power": Code(
        "rubric",
        "rubric.yaml:49:18 families[1].aggregation: a generalised mean needs a numeric power",
        "Add `power:` (2 for a quadratic mean, -1 for a harmonic one).",
    ),
    "unbounded-scale": Code(
        "rubric",
        "f.yaml:13:18 warning: families[0].aggregation: this sum reaches 0 to 200, beyond the "
        "0-100 scale: declare it (scale: {min: 0, max: 200}) so its bands, rankings and charts "
        "use that range",
        "Use a mean, or keep the node out of bands and of the overall on purpose.",
        "warning",
    ),
    "indicator-at-top": Code(
        "rubric",
        "f.yaml:11:5 families[0]: families must be groups; put indicators inside a family",
        "Wrap the indicator in a family (a group with `children`).",
    ),
    "duplicate-variable": Code(
        "rubric",
        "rubric.yaml:14:12 variables[1].name: variable 'registered_abroad' is declared twice",
        "Declare each variable once.",
    ),
    "invalid-range": Code(
        "rubric",
        "f.yaml:8:106 variables[0].minimum: minimum 10 is above maximum 5",
        "Put `minimum` below `maximum`.",
    ),
    "unknown-variable": Code(
        "rubric",
        "missions.yaml:17:7 missions[1].values.votes: 'votes' is not a variable of the rubric: "
        "correct the name or remove it",
        "Declare the variable under `variables:` or correct its name (in missions.yaml or a "
        "statistics table: use a variable of the rubric).",
    ),
    "unused-variable": Code(
        "rubric",
        "f.yaml:8:5 warning: variables[0]: variable 'spare' is used by no formula",
        "Use the variable in a formula, or remove it.",
        "warning",
    ),
    "unknown-reference": Code(
        "rubric",
        "rubric.yaml:29:22 families[0].children[0].references[0]: no reference with id "
        "'idea-2006' in the rubric's references",
        "Cite a reference declared under `references:`, or declare it.",
    ),
    "invalid-placeholder": Code(
        "rubric",
        "f.yaml:23:71 families[0].children[0].recommendations[0].text.es: unbalanced braces near "
        "'e legal a {label'",
        "Close each `{` with `}`; write `{{` and `}}` for literal braces.",
    ),
    "unknown-placeholder": Code(
        "rubric",
        "f.yaml:23:71 families[0].children[0].recommendations[0].text.es: {etiqueta} is neither a"
        " declared variable nor one of band, best_mission, best_score, country, election, gap, "
        "label, mission, score, unit, value",
        "Use one of the placeholders listed or a declared variable.",
    ),
    "number-overflow": Code(
        "rubric",
        "rubric.yaml:50:12 families[1].power: a score of 100 to the power 1000 is more than the "
        "largest number a computer holds (about 1.8e308): use a power between -150 and 150 (the "
        "mean is then already next to the highest or lowest score)",
        "Use smaller numbers: weights count only by their ratios, goalposts and targets in "
        "the unit of the value.",
    ),
    "bands-mixed": Code(
        "rubric",
        "f.yaml:14:9 families[0].bands[1]: write every band of a list as min-max or every one as "
        "from-to",
        "Write every band of the list one way: min-max, or from-to on an integer scale.",
    ),
    "invalid-scale": Code(
        "rubric",
        "f.yaml:10:12 families[0].scale: the scale's min 40 is not below its max 40",
        "Give the scale a `min` below its `max`.",
    ),
    "subtract-outside-sum": Code(
        "rubric",
        "f.yaml:16:20 families[0].children[0].subtracts: only a child of a group with "
        "aggregation: sum can be subtracted",
        "Set `aggregation: sum` on the parent, or remove `subtracts`.",
    ),
    "node-cycle": Code(
        "rubric",
        "f.yaml:22:33 families[1].formula: nodes depend on themselves: law -> status -> law in "
        "'value(law.basis) + value(law)'",
        "Break the cycle: a node's formula cannot read the node itself, directly or not.",
    ),
    "no-rating": Code(
        "rubric",
        "f.yaml:22:14 families[1].formula: the bands of 'law' have no rating in 'rating(law) + "
        "value(law.basis)'",
        "Give the node's bands a `rating`, or read its value instead.",
    ),
    "cohort-node": Code(
        "rubric",
        "f.yaml:32:38 families[0].children[2].formula: 'law.turnout' is scored across the "
        "missions compared; an indicator's formula reads a node scored by the rubric alone in "
        "'(score(law.basis) + score(law.turnout)) / 2'",
        "Read a node scored from the mission's own data, or make the indicator a formula group.",
    ),
    "critical-indicator": Code(
        "scores",
        "practice.secrecy: practice.secrecy is critical and scored 25.0, in its lowest band, which"
        " holds these bands at the lowest: practice, overall",
        "Read the capped scores with the critical indicator; improve it to lift the cap.",
        "note",
    ),
    "formula-input-missing": Code(
        "scores",
        "status: the formula has no value for law",
        "Complete the data of the nodes the formula reads.",
        "note",
    ),
    "formula-syntax": Code(
        "rubric",
        "rubric.yaml:44:33 families[0].children[2].formula: unexpected '*' in 'votes_abroad / * "
        "100'",
        "Correct the formula: variables, numbers, + - * /, parentheses, min(), max(), abs() and "
        "node references (value(id), score(id), band(id), rating(id)).",
    ),
    "zero-divisor": Code(
        "rubric",
        "f.yaml:26:46 families[0].children[1].formula: a division by zero, whatever the data, in "
        "'votes / registered * 100 / -0.0'",
        "Divide by a variable or a node's value, which the data gives, or remove the division.",
    ),
    "goalposts-equal": Code(
        "rubric",
        "rubric.yaml:45:15 families[0].children[2].rule: low and high are both 60",
        "Give two different goalposts.",
    ),
    "goalposts-unordered": Code(
        "rubric",
        "rubric.yaml:45:15 families[0].children[2].rule: low must be below high (use direction: "
        "lower to reward small values)",
        "Put the smaller goalpost in `low`; say which end is best with `direction`.",
    ),
    "level-score-range": Code(
        "rubric",
        "rubric.yaml:32:35 families[0].children[0].levels[1].score: level score 160 is outside "
        "0-100",
        "Give each level a score from 0 to 100.",
    ),
    "levels-unordered": Code(
        "rubric",
        "f.yaml:21:32 warning: families[0].children[0].levels[1].score: levels must be listed "
        "from the lowest to the highest score",
        "List levels from the lowest to the highest score.",
        "warning",
    ),
    "missing-choices": Code(
        "rubric",
        "f.yaml:31:9 families[1].children[0]: a select_one question needs choices",
        "List the question's `choices`.",
    ),
    "unknown-choice": Code(
        "rubric",
        "f.yaml:40:25 families[1].children[0].accept[1]: 'punctual' is not one of the choices",
        "Accept only choices the question lists.",
    ),
    "reserved-choice": Code(
        "rubric",
        "f.yaml:39:20 families[1].children[0].choices[1].name: 'na' is reserved for not "
        "applicable: set not_applicable",
        "Remove the `na` choice and set `not_applicable: true`.",
    ),
    "invalid-stat": Code(
        "rubric",
        "rubric.yaml:64:15 families[1].children[1].stat: a numeric question needs stat: mean, "
        "median, p90, min, max, sum or count",
        "Use a statistic the question's answer type allows.",
    ),
    "missing-rule": Code(
        "rubric",
        "f.yaml:31:9 families[1].children[0]: a numeric question needs a scoring rule",
        "Add a `rule:` (goalposts, bands or target).",
    ),
    "share-outside-bands": Code(
        "rubric",
        "f.yaml:36:36 warning: families[1].children[0].rule.bands: a share of 100 % falls in no "
        "band (a band's max is excluded): leave the last band without max, or end it above 100",
        "Leave the last band open (no `max`) or end it above 100.",
        "warning",
    ),
    "unknown-question": Code(
        "rubric",
        "rubric.yaml:20:28 variables[2].from_sites.question: no checklist indicator with id "
        "'practice.late'",
        "Name a checklist indicator of the rubric.",
    ),
    "unknown-node": Code(
        "rubric",
        "rubric.yaml:91:17 families[2].children[0].target: no node with id 'practise'",
        "Name a node of the rubric.",
    ),
    "reserved-name": Code(
        "rubric",
        "f.yaml:31:13 families[1].children[0].id: 'site' is a name the observer form keeps for "
        "the visit's own answers: give the node another id",
        "Give the family or checklist question another id: the observer form and the checklist "
        "use that name for the visit's own answers.",
    ),
    "unknown-rubric": Code(
        "workspace",
        "ovm.yaml:2:9 rubric: no bundled rubric 'nope': name one of bundled:deco-voting-abroad or"
        " a rubric file",
        "Name a bundled rubric (`bundled:deco-voting-abroad`) or a rubric file.",
    ),
    # --- workspace and missions ------------------------------------------------------------
    "duplicate-source": Code(
        "workspace",
        "ovm.yaml:8:5 checklists[1]: 'checklists.csv' is the same file (or the same content) as "
        "the one named at line 6: remove one of the two entries",
        "Name each file once: a file read twice counts every row twice.",
    ),
    "missing-sheet": Code(
        "workspace",
        "ovm.yaml:4:36 statistics[0].sheet: s.xlsx has no sheet 'stats' (its sheets: Sheet): name"
        " one of them in `sheet:`",
        "Name a sheet the workbook has.",
    ),
    "unnamed-sheet": Code(
        "workspace",
        "ovm.yaml:4:14 statistics[0]: s.xlsx has several sheets (Sheet, Sheet2) and this entry "
        "names none: write {path: s.xlsx, sheet: Sheet} with the sheet to read",
        "Write the entry as `{path: FILE, sheet: NAME}`.",
    ),
    "invalid-country": Code(
        "workspace",
        "missions.yaml:10:14 missions[1].country: 'XXZ' is not an ISO 3166 alpha-3 country code: "
        "write the country's ISO 3166-1 alpha-3 code, such as MEX for Mexico",
        "Write the ISO 3166-1 alpha-3 code (the message suggests one for a name, an alpha-2 "
        "code or a near miss).",
    ),
    "duplicate-mission": Code(
        "workspace",
        "missions.yaml:9:9 missions[1].id: mission 'aaa-2020' is listed twice",
        "Give each mission its own id.",
    ),
    "unknown-mission": Code(
        "workspace",
        "statistics.csv:2:1 no mission 'zzz-2020' in the missions file",
        "Use the id of a mission in missions.yaml, or add the mission.",
    ),
    "unknown-indicator": Code(
        "workspace",
        "missions.yaml:16:7 missions[1].answers.nope.x: 'nope.x' is not an indicator of the "
        "rubric: correct the id or remove the answer",
        "Use the id of an indicator of the rubric.",
    ),
    "invalid-answer": Code(
        "workspace",
        "checklists.csv:2:8 'maybe' is not an allowed answer for practice.on_time (yes, no)",
        "Use one of the answers listed (level keys, yes/no/partial), or na where allowed.",
    ),
    "not-applicable-not-allowed": Code(
        "workspace",
        "statistics.csv:2:2 registered_abroad does not allow 'not applicable'",
        "Give an answer or a value, or leave the cell empty (missing: a figure not published is"
        " missing, not inapplicable); the rubric sets `allow_na` where na is allowed.",
    ),
    "invalid-number": Code(
        "tables",
        "missions.yaml:17:34 missions[1].values.registered_abroad.value: 'yes' is not a number "
        "(registered_abroad)",
        "Write the number with a `.` decimal point and digits together (or grouped by commas).",
    ),
    "not-finite": Code(
        "tables",
        "statistics.csv:2:2 'inf' is not a finite number",
        "Give a finite number, or leave the cell empty for a missing value.",
    ),
    "negative-count": Code(
        "tables",
        "missions.yaml:20:16 missions[1].values.registered_abroad.value: registered_abroad is a "
        "count and cannot be -500",
        "Give a count of 0 or more.",
    ),
    "not-integer": Code(
        "tables",
        "statistics.csv:2:2 registered_abroad takes whole numbers, not 10.5",
        "Give a whole number.",
    ),
    "dot-thousands": Code(
        "tables",
        "statistics.csv:3:4 warning: '12.500' is read as 12.5 with a decimal point: if it means "
        "12500, write the digits together, or grouped by commas",
        "Write the digits together (12500) if thousands are meant; a column's other decimals "
        "(12.5) show a decimal is meant.",
        "warning",
    ),
    "percent-format": Code(
        "tables",
        "statistics.csv:2:2 '50%' is a percentage, and registered_abroad is not one: write the "
        "number itself (in a workbook, without the cell's percent format)",
        "Write the number itself: remove the cell's percent format (a percentage is read as "
        "such only for a `percent` or `share` variable, or one in `%`).",
    ),
    "exceeds-limit": Code(
        "workspace",
        "statistics.csv:2:3 votes_abroad = 1,001 is greater than registered_abroad = 1,000",
        "Check both figures: the first cannot exceed the second.",
    ),
    "derived-variable": Code(
        "workspace",
        "statistics.csv:1:4 'turned_away_mean' is computed from observer checklists",
        "Remove the value: ovm computes it from the checklists.",
    ),
    "invalid-provenance": Code(
        "workspace",
        "statistics.csv:2:5 date: 'high' is not a date: write it as YYYY-MM-DD",
        "Give `confidence` as high, medium or low, and `date` as YYYY-MM-DD.",
    ),
    "duplicate-value": Code(
        "workspace",
        "missions.yaml:17: registered_abroad for bbb-2021 is given both in the missions file and "
        "in statistics.csv:3:2",
        "Give each value in one place.",
    ),
    "invalid-previous": Code(
        "workspace",
        "missions.yaml:12:15 missions[1].previous: the previous mission 'aaa-2020' observes ARG, "
        "not BRA",
        "Name an earlier mission of the same country (or entity), or remove `previous:` to let "
        "ovm take the latest earlier one.",
    ),
    "no-previous-mission": Code(
        "workspace",
        "missions.yaml:17:14 missions[1].follow_up[0].id: bbb-2021 has no previous observed "
        "election to follow up",
        "Add the earlier mission (or `previous:`), or remove the follow-up.",
    ),
    "unknown-recommendation": Code(
        "workspace",
        "missions.yaml:18:14 missions[1].follow_up[0].id: aaa-2020 made no recommendation 'r9'",
        "Use the id of a recommendation the previous mission made.",
    ),
    "follow-up-incomplete": Code(
        "workspace",
        "missions.yaml:17:5 warning: missions[1].follow_up: the follow-up leaves out r2, made by "
        "aaa-2020: list each one, as not_assessable if it cannot be judged",
        "List every recommendation of the previous mission under `follow_up:`; the share "
        "implemented is counted over those listed and assessable.",
        "warning",
    ),
    "variable-not-given": Code(
        "workspace",
        "rubric.yaml:14:12 warning: variable votes_abroad (source: statistics) is given for no "
        "mission: no table has a column named votes_abroad and no mission gives it under values:,"
        " so what reads it is missing for every mission: rights.turnout",
        "Add the variable's column to a statistics table (or its value under a mission's "
        "`values:`); where it is not known, record it as `status: missing`. Until then the "
        "indicators that read it are missing for every mission.",
        "warning",
    ),
    "question-not-answered": Code(
        "workspace",
        "rubric.yaml:50:13 warning: checklist question practice.on_time is answered in no visit "
        "(6 read): no checklist file has its column, or every cell of it is blank, so it is "
        "missing for every mission",
        "Give the question's column its id (or, in a survey export, the question's name or "
        "label as the form has it): an `unknown-column` warning names the column that was not "
        "matched. If the question was not asked, it stays missing for every mission.",
        "warning",
    ),
    "too-few-places-planned": Code(
        "workspace",
        "missions.yaml:12:5 warning: bbb-2021 plans 2 polling places, fewer than the 3 that "
        "checklist questions need answers from (min_answers): 3 of them, and the groups that need"
        " them, cannot be scored for it however many visits are made; plan more places",
        "Plan at least as many polling places as the questions' `min_answers` (the bundled "
        "rubric: 5): visits to one place count once. With fewer, the mission's checklist "
        "indicators, and the families and overall that need them, stay `insufficient`.",
        "warning",
    ),
    "duplicate-place": Code(
        "workspace",
        "missions.yaml:12:43 missions[1].places[1].id: place 'p1' is listed twice",
        "Give each planned place its own id.",
    ),
    "missing-place": Code(
        "tables",
        "places.csv:2:2 no place identifier",
        "Give the place's id (as observers write it in `site`).",
    ),
    "invalid-time": Code(
        "tables",
        "places.csv:2:6 '8h' is not a time of day such as 08:00",
        "Write the time as HH:MM.",
    ),
    # --- tables ------------------------------------------------------------------------------
    "unsupported-format": Code(
        "tables",
        "s.ods: cannot read .ods: use CSV, XLSX or Parquet",
        "Save the table as CSV UTF-8 or XLSX.",
    ),
    "empty-file": Code(
        "tables",
        "statistics.csv:1:1 no header row",
        "Add the header row (the column names).",
    ),
    "empty-header": Code(
        "tables",
        "statistics.csv:1:4 a column has no name",
        "Name the column, or delete it if it is empty. Empty unnamed columns after the last "
        "named one (Excel writes them) are left out without a word.",
    ),
    "duplicate-column": Code(
        "tables",
        "statistics.csv:1:5 column 'votes_abroad' appears twice (first at column 3)",
        "Keep one of the two columns.",
    ),
    "reserved-column": Code(
        "tables",
        "checklists.csv:1:9 column '_row' has a name ovm keeps for row numbers: rename the column",
        "Rename the column.",
    ),
    "ragged-row": Code(
        "tables",
        "statistics.csv:3: 2 fields where the header has 5",
        "Give the row as many fields as the header (add the missing separators).",
    ),
    "stray-quote": Code(
        "tables",
        "checklists.csv:3: a quoted field starts on this line and is never closed properly: quote"
        " the whole field (doubling any quote inside it) or remove the quote",
        "Quote the whole field, doubling any quote inside it, or remove the quote.",
    ),
    "wrong-separator": Code(
        "tables",
        "statistics.csv:1:1 the header is separated by ';' (Excel in a Spanish or European "
        "locale): save the file as XLSX (under that locale Excel writes ';' and decimal commas in"
        " its CSV files too)",
        "Save as XLSX; a CSV saved by Excel under that locale is separated by `;` again.",
    ),
    "cell-too-large": Code(
        "tables",
        "checklists.csv:3:7 warning: a cell of more than 10485760 characters in 'notes' is left "
        "out: shorten it (keep the document elsewhere and give its name)",
        "Shorten the cell: keep the document elsewhere and give its name.",
        "warning",
    ),
    "cell-without-header": Code(
        "tables",
        "c.xlsx[Sheet]:2:3 a value in a column that has no header",
        "Name the column in the header row, or delete the value.",
    ),
    "formula-without-value": Code(
        "tables",
        "s.xlsx[Sheet]:2:3 the formula '=350' has no saved value: save the workbook in Excel or "
        "LibreOffice first (which stores each formula's value), or type the value",
        "Open and save the workbook in Excel or LibreOffice, or type the value.",
    ),
    "unreadable-table": Code(
        "tables",
        "s.xlsx: not a readable XLSX: File is not a zip file",
        "Open the file in a spreadsheet and save it again as XLSX or CSV UTF-8.",
    ),
    "missing-column": Code(
        "tables",
        "statistics.csv:1: no 'mission' column (the mission id of each row)",
        "Add the column named (its header as written in the message). A checklist table "
        "without a `site` column is a warning: each visit is then a polling place of its own; "
        "add the column (or rename the one holding the place's name) so that visits to one "
        "place count as one.",
    ),
    "unknown-column": Code(
        "tables",
        "checklists.csv:1:11 warning: column 'practice.late' matches no checklist question; "
        "ignored",
        "Rename the column to a variable or question of the rubric, or remove it. A header "
        "close to an id the table has no column of (a misspelling) or differing from it only "
        "in case is an error: the message names the id meant. A checklist header close to a "
        "visit's column the table lacks (`polling_place`, `site country`, `visit_time`) is a "
        "warning naming the column meant.",
        "warning",
    ),
    "missing-mission": Code(
        "tables",
        "checklists.csv:3:1 no mission id",
        "Give the row's mission id.",
    ),
    "duplicate-row": Code(
        "tables",
        "statistics.csv:4:1 mission 'aaa-2020' already has a row (2)",
        "Keep one row per mission (per visit in a checklist).",
    ),
    "invalid-flag": Code(
        "tables",
        "checklists.csv:2:11 'maybe' is not yes or no (simulated)",
        "Write yes or no.",
    ),
    # --- checklists and exports ----------------------------------------------------------
    "blank-site": Code(
        "checklists",
        "checklists.csv:3:2 warning: 1 visit of mission 'aaa-2020' has no site (row 3): it is "
        "counted as a polling place of its own, so min_answers and the intervals count visits, "
        "not places",
        "Write each visit's polling place in its `site` cell, the same text for visits to one "
        "place, so that they count as one place; one warning per file and mission names the "
        "first rows.",
        "warning",
    ),
    "empty-visit": Code(
        "checklists",
        "checklists.csv:8:1 no site, observer, time or answer: the row records no visit",
        "A submission sent blank but for its mission (a test, a form started and sent) is no "
        "visit: delete the row, or fill in the visit it should record.",
    ),
    "conflicting-answers": Code(
        "checklists",
        "kobo.csv:4:9 practice.queue is marked not applicable but has the answer '12'",
        "Keep either the answer or the not-applicable mark.",
    ),
    "excluded-row": Code(
        "checklists",
        "kobo.csv:3:14 warning: row excluded (submission u2): its review status "
        "_validation_status is 'validation_status_not_approved' (marked not approved in the "
        "export)",
        "Nothing to do if the row was meant to be left out; approve the submission on the "
        "server (and export again) to score it.",
        "warning",
    ),
    "unknown-review-status": Code(
        "checklists",
        "kobo.csv:3:14 warning: review status _validation_status is 'No aprobado' on 1 row, this "
        "the first: ovm knows no such state and scores them as approved; approve or reject them "
        "on the server, or export the status codes",
        "Export the review status as codes (Kobo's validation_status_approved, "
        "validation_status_not_approved, validation_status_on_hold; ODK Central's approved, "
        "hasIssues, edited, rejected), or remove the rows that were not approved.",
        "warning",
    ),
    "duplicate-submission": Code(
        "checklists",
        "kobo.csv:4:13 submission 'u2' was already read at row 3; the first is kept",
        "Remove the repeated submission (or export once); a cumulative export already holds "
        "the earlier exports' submissions: list it alone.",
    ),
    "rubric-mismatch": Code(
        "checklists",
        "kobo.csv:3:12 warning: collected with ovm_rubric_version '0.0', scored with '0.1' (1 row)",
        "Score with the rubric the form was made from, or make the form again (`ovm form`).",
    ),
    # --- plausibility ----------------------------------------------------------------------
    "observer-two-places": Code(
        "plausibility",
        "checklists.csv:3:6 warning: observer 'o1' is at 's2' and at 's1' (row 2 of "
        "checklists.csv) within 5 minutes",
        "Check the observer and the time of both visits.",
        "warning",
    ),
    "observer-too-fast": Code(
        "plausibility",
        "checklists.csv:3:6 warning: observer 'o1' goes from 's1' (Miami, USA) to 's2' (Houston, "
        "USA) in 10 minutes",
        "Check the observer and the time of both visits.",
        "warning",
    ),
    "identical-answers": Code(
        "plausibility",
        "checklists.csv:4: warning: observer 'o1' gave the same answers at 3 places (as at row 2 "
        "of checklists.csv)",
        "Check that the observer filled in each visit.",
        "warning",
    ),
    "site-in-home-country": Code(
        "plausibility",
        "checklists.csv:3:3 warning: the polling place is in ARG, the country of aaa-2020 itself:"
        " a place of voting abroad is in another country (write the host country's code)",
        "Write the host country's ISO code in site_country. A visit in the mission's own country "
        "is no visit of voting abroad: leave it out of the checklist table.",
        "warning",
    ),
    "similar-sites": Code(
        "plausibility",
        "checklists.csv:3:2 warning: aaa-2020 names polling places that differ only in case, "
        "blanks or dashes: 's1' (checklists.csv:2:2), 'S1' (checklists.csv:3:2); each counts as a"
        " place of its own: if they are one place, write its name the same way in every visit",
        "If the names are one polling place, write its name the same way in every visit (and "
        "as the plan lists it): each name counts as a place of its own for an indicator's "
        "min_answers and the intervals. If they are different places, nothing is to be done.",
        "warning",
    ),
    "invalid-visit-time": Code(
        "plausibility",
        "checklists.csv:3:6 warning: 'yesterday' is not a date and time such as 2024-06-02T09:30",
        "Write the visit's time as YYYY-MM-DDTHH:MM.",
        "warning",
    ),
    "visit-before-opening": Code(
        "plausibility",
        "checklists.csv:2:6 warning: checklist at 08:00, before the place opened (09:00)",
        "Check the visit's time or the place's opening time.",
        "warning",
    ),
    "visit-outside-voting-period": Code(
        "plausibility",
        "checklists.csv:2:6 warning: visit on 2020-06-01, outside the voting abroad of aaa-2020 "
        "(2020-04-24 to 2020-05-01)",
        "Check the visit's date or the mission's `voting_abroad` period.",
        "warning",
    ),
    # --- scores ----------------------------------------------------------------------------
    "missing-data": Code(
        "scores", "rights.postal: no answer recorded", "Record the answer.", "note"
    ),
    "missing-input": Code(
        "scores",
        "rights.turnout: no value for votes_abroad",
        "Give the value in missions.yaml or a statistics table.",
        "note",
    ),
    "division-by-zero": Code(
        "scores",
        "rights.turnout: division by zero",
        "Check the denominator's value (a zero count).",
        "note",
    ),
    "too-few-answers": Code(
        "scores",
        "practice.on_time: 2 answers; at least 3 needed",
        "Observe more places, or lower `min_answers` in the rubric.",
        "note",
    ),
    "too-few-places-for-interval": Code(
        "scores",
        "practice.queue was answered at 1 polling place; an interval needs at least 2",
        "Observe more places for an interval.",
        "note",
    ),
    "flat-rule-interval": Code(
        "scores",
        "practice.on_time: every value in the interval 52.0-74.0 scores 0.0 under the rule: "
        "the score has no interval",
        "Read the value's interval: the rule gives all of it one score.",
        "note",
    ),
    "interval-undefined": Code(
        "scores",
        "the geometric mean of its parts' interval ends is undefined (an end at 0 or below), so "
        "the score has no interval",
        "Read the parts' intervals; an arithmetic mean aggregates an interval that reaches 0.",
        "note",
    ),
    "value-outside-bands": Code(
        "scores",
        "practice.queue: 250 falls in no band of the rule",
        "Extend the rule's bands to cover the value.",
        "note",
    ),
    "insufficient-coverage": Code(
        "scores",
        "rights: 1 of 3 children scored, below the coverage of 0.5",
        "Give the missing answers and values, or lower `min_coverage`.",
        "note",
    ),
    "undefined-child": Code(
        "scores",
        "overall: a child's score is undefined",
        "Complete the child's data (see its own note).",
        "note",
    ),
    "aggregation-undefined": Code(
        "scores",
        "the geometric mean of rights is undefined for 1 mission: a score of 0 or below",
        "Use an arithmetic mean, or read the score as undefined on purpose.",
        "note",
    ),
    "sum-incomplete": Code(
        "scores",
        "rights: a sum with a child undefined is left undefined",
        "Complete the children's data.",
        "note",
    ),
    "needs-cohort": Code(
        "scores",
        "overall: 1 indicator is scored only against the cohort: this overall leaves it out",
        "Run `ovm compare` or `ovm report` for the overall with them.",
        "note",
    ),
    "simulated-data": Code(
        "scores",
        "aaa-2020: observer checklists of this mission are simulated, not observed",
        "Replace the simulated checklists with observed ones before publishing.",
        "note",
    ),
    "low-confidence-input": Code(
        "scores",
        "rights.turnout: an input has low confidence (EMB estimate)",
        "Read the score with care, or find a better source.",
        "note",
    ),
    "cohort-normalisation-undefined": Code(
        "scores",
        "zscore undefined over the cohort for comp.reach",
        "Compare more missions, or normalise another way.",
        "note",
    ),
    "comparative-cycle": Code(
        "scores",
        "comp.a measures comp.b, which depends on it",
        "Break the cycle: a comparative indicator cannot measure itself.",
        "note",
    ),
    "comparative-no-target": Code(
        "scores",
        "no mission is scored on practice",
        "Give the data the target node needs.",
        "note",
    ),
    "imputed-value": Code(
        "scores",
        "no value observed; imputed as the mean of the cohort over 4 missions: 52.5",
        "Give the value to replace the imputation.",
        "note",
    ),
    "imputation-used": Code(
        "scores",
        "3 missing values imputed by the cohort mean",
        "Give the values to replace the imputations.",
        "note",
    ),
    "imputation-failed": Code(
        "scores",
        "no value observed, and none in the cohort to impute from",
        "Give the value (none is imputed either where the group holding it lacks the observed "
        "data to be scored without it).",
        "note",
    ),
    # --- pull --------------------------------------------------------------------------------
    "missing-credentials": Code(
        "pull",
        "no credentials for https://kf.kobotoolbox.org: set OVM_KOBO_TOKEN, or add them under "
        '["https://kf.kobotoolbox.org"] in ~/.config/ovm/credentials.toml',
        "Set the environment variables named, or add the server to the credentials file.",
    ),
    "invalid-credentials-file": Code(
        "pull",
        "credentials.toml: Expected '=' after a key in a key/value pair (at line 2, column 6)",
        "Correct the TOML file.",
    ),
    "auth-failed": Code(
        "pull",
        "the server refused the credentials (HTTP 401)",
        "Check the token, user and password.",
    ),
    "server-error": Code(
        "pull",
        "HTTP 500 for /api/v2/assets/a1/data",
        "Try again later, or check the form's id on the server.",
    ),
    "connection-lost": Code(
        "pull",
        "/api/v2/assets/a1/data: timed out after 3 attempts; nothing was written, pull again",
        "Pull again when the connection is back.",
    ),
    "not-pulled": Code(
        "pull",
        "ovm.yaml:9:11 checklists[1].path: 'pulled/odk.csv' is not there yet: no submissions "
        "pulled so far (`ovm pull` fetches them); the workspace is used without it",
        "Nothing to do before the first submissions: `ovm pull WORKSPACE` writes the file "
        "(and notes it in `.ovm-pulled.json`). A file without `pull:` that is missing, or one "
        "`ovm pull` wrote before, is an error (`file-not-found`).",
        "warning",
    ),
    # --- whatif ------------------------------------------------------------------------------
    "not-settable": Code(
        "whatif",
        "ovm whatif: rights.turnout is not a levels or answer indicator: only variables and "
        "qualitative answers can be set",
        "Set one of the variables the indicator is computed from, or an answer of a levels or "
        "answer indicator.",
    ),
    # --- outputs -----------------------------------------------------------------------------
    "output-link-loop": Code(
        "outputs",
        "ovm: scores.json is a loop of symbolic links: it leads to no file; remove the link or "
        "choose another output",
        "The output named with -o is a symbolic link that leads back to itself: remove the link "
        "(`rm scores.json`) or name another output file.",
    ),
    # --- arguments ---------------------------------------------------------------------------
    "workspace-link-loop": Code(
        "arguments",
        "ovm: missions is a loop of symbolic links: it leads to no workspace",
        "The workspace named on the command line is a symbolic link that leads back to itself: "
        "remove the link (`rm missions`) or name the workspace folder itself.",
    ),
    "edited-bundled-rubric": Code(
        "workspace",
        "rubric.yaml:3:10 warning: version: this rubric has the id 'deco-voting-abroad' and "
        "version 1.3.9 of the rubric bundled with ovm but differs from it: its reports would name"
        " it as that methodology; give the edited rubric an id or a version of its own",
        "Change the edited rubric's `id` (e.g. `deco-voting-abroad-ours`) or its `version` "
        "(e.g. with `-ours` after it), so that its reports do not name it as the bundled "
        "methodology.",
        "warning",
    ),
}
"""Every issue code, by code."""


def render() -> str:
    """docs/errors.md: each area's codes, with an example message and the fix."""
    out = [
        "# Issue codes",
        "",
        "<!-- Generated by `python -m ovm.codes --write` from ovm/codes.py: edit that file. -->",
        "",
        "Every problem ovm reports carries a stable code, shown in brackets after the message, "
        "and its place as `file:line:column` (a workbook's sheet in brackets: "
        "`data.xlsx[variables]:2:3`; a place whose column or line is not known ends with a colon, "
        "`checklists.csv:8:` or `ovm.yaml:`). Errors stop the command with exit status 1; warnings "
        "are printed and the data is used; notes explain a score and never stop anything. "
        "`ovm check WORKSPACE --format json` gives the same as data.",
        "",
        "Each example is the line ovm prints for the first case of that code in the bad-input "
        "corpus (`tests/bad_inputs`, run with `python -m tests.bad_inputs`), the case's "
        "workspace folder written `ws`; the test suite fails when an example and ovm's output "
        "differ (`python -m tests.bad_inputs.examples --write` updates them). The notes on "
        "scores and the codes of `ovm pull` and of outputs are reached by no corpus case: their "
        "examples are written by hand.",
        "",
    ]
    for area, title in AREAS.items():
        codes = sorted(c for c, v in CODES.items() if v.area == area)
        out += [f"## {title}", "", "| Code | Example | Fix |", "|---|---|---|"]
        for code in codes:
            entry = CODES[code]
            sev = "" if entry.severity == "error" else f" ({entry.severity})"
            example, fix = (t.replace("|", "\\|") for t in (entry.example, entry.fix))
            out.append(f"| `{code}`{sev} | `{example} [{code}]` | {fix} |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Print docs/errors.md, or write it with ``--write`` (into ``docs/`` of this checkout)."""
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args == ["--write"]:
        target = Path(__file__).resolve().parent.parent / "docs" / "errors.md"
        target.write_text(text, encoding="utf-8")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
