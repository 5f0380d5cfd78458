import PasswordlessTriggers

Trigger.create.main()
