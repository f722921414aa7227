"""The broker-login pages behind ``connection_request_url``, in the vendor's three steps.

A user who opens the link sees a searchable list of brokers, logs in to one with a
username and password (demo password ``demo``; any other is refused on the page), then
sees that login's accounts, paper beside live, with masked numbers and balances, and a
consent line naming the platform and the access asked for. Allow answers 303 to
``redirect_url?connection_id=...``; Deny, a used or an expired link to
``redirect_url?error=...&error_details=...``, as the vendor documents. Every page is a
plain server-rendered form: it works without JavaScript, and by keyboard alone.

A script can complete a link in one POST, as the account step's form does. It may give
the password (a wrong one is refused, as on the login step) or leave it out, which stands
for a user who logged in; without ``login`` the username is the app's user id:

```text
decision=approve&broker=TRADESTATION&login=alice&password=demo&account=paper-margin
```
"""

from connecttrade_mock.http.connect_page._logins import DEMO_PASSWORD
from connecttrade_mock.http.connect_page._routes import connect_routes

__all__ = ["DEMO_PASSWORD", "connect_routes"]
