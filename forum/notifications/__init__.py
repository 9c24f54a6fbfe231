"""In-app notifications, and the mails that go with some of them."""
