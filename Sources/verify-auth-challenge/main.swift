import PasswordlessTriggers

Trigger.verify.main()
