"""`python -m whodid.code.actors`: time the resolver (see whodid.code.actors.profile)."""

from whodid.code.actors.profile import main

raise SystemExit(main())
