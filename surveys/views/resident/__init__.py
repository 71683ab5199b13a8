"""The pages residents see, without JavaScript. Thin: every rule lives in surveys.services.

entry: a code, a wave's link or the open link starts a response; the language choice.
answering: the questions page by page, checking the answers, done and saved-for-later.
review: seeing and withdrawing answers already sent, while the wave is open.
session: what they share: the response held in the session, the page allowance, where to go next.
"""
