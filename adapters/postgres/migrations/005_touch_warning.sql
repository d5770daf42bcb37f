-- 005_touch_warning: what a touch's message checks noticed that breaks no
-- rule (an SMS in more than one billed part), kept with the touch.
ALTER TABLE touches ADD COLUMN warning text NOT NULL DEFAULT '';

---- create above / drop below ----

ALTER TABLE touches DROP COLUMN warning;
