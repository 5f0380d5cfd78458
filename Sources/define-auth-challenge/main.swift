import PasswordlessTriggers

Trigger.define.main()
