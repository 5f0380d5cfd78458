import PasswordlessDelivery
import PasswordlessTriggers

Trigger.runCreate()
