// Mesoplanner's script for every page, an ES module (no build step: the browser follows the
// imports, all from this folder, as the CSP's script-src 'self' asks): the language menu
// submits itself, date fields say their date in words, the drug field suggests the catalogue's
// drugs, New plan's figure keeps the treatment ticked, a record's
// carried-over values lose their mark once confirmed, and its points given are tapped. The plan editor's page loads the editor
// as well (editor/editor.js).

import { autosubmitSelects } from "./forms/autosubmit.js";
import { confirmCarried } from "./forms/carried.js";
import { keepChosenTreatment } from "./forms/chosen-treatment.js";
import { tapPointsGiven } from "./forms/points-given.js";
import { sayDates } from "./forms/date-words.js";
import { suggestDrugs } from "./forms/drug-field.js";

autosubmitSelects();
confirmCarried();
keepChosenTreatment();
sayDates();
suggestDrugs();
tapPointsGiven();
