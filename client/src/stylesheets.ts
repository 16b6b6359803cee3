/**
 * Every stylesheet of the app, in the order its rules apply. Each one sits beside the components
 * it styles, and those components import it too; this list only fixes the order. Rules of equal
 * weight rely on it: `.session textarea` wins over `.scorecard-page textarea`, and the messages
 * (`.threads a`, `.composer textarea`) win over the dark session's `.session a`, `.session textarea`.
 * A stylesheet first met in a lazily loaded chunk would be added to the page when that chunk
 * loads, so its place in the cascade would depend on which screen was opened first; imported
 * here, before the app, they all land in the first stylesheet in this order. stylesheets.test.ts
 * checks that no stylesheet is left out.
 *
 * breakdown.css and assessment.css come first because they did when the rest was one stylesheet
 * imported after the app: their rules were written to lose to equal-weight rules of the others.
 */
import './screens/session/breakdown.css';
import './assessment/assessment.css';
import './base.css';
import './components/controls.css';
import './components/CharCount.css';
import './screens/MediatorHome.css';
import './account/account.css';
import './screens/NewCaseForm.css';
import './screens/cases.css';
import './screens/templates/templates.css';
import './screens/accounts/accounts.css';
import './screens/consent.css';
import './screens/lifecycle.css';
import './screens/prejoin.css';
import './screens/session/session.css';
import './screens/session/rooms.css';
import './screens/session/stage.css';
import './threads/threads.css';
import './draft/draft.css';
import './signoff/signoff.css';
import './record/record.css';
import './schedule/schedule.css';
import './screens/session/leave-guard.css';
import './mail/mail.css';
