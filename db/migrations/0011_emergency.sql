-- 平急两用 as one action (issue 16 item 9).
--
-- 启动应急响应 on a grid subtree creates an activity of kind 应急响应 whose node is the
-- subtree's root, and that activity carries the subtree's state: emergency = 应急中 from the
-- start until 结束应急响应 sets 已结束 and the moment it ended (emergency_ended, which may be
-- on a later day than the activity's date, so it is not end_time). An activity entered by hand
-- keeps emergency = '' and never puts a grid into 应急. The columns travel with the activity
-- in the exchange file, so the street office sees which of its communities are in 应急.

ALTER TABLE activities ADD COLUMN emergency TEXT NOT NULL DEFAULT '';        -- '' / 应急中 / 已结束
ALTER TABLE activities ADD COLUMN emergency_ended TEXT NOT NULL DEFAULT '';  -- YYYY-MM-DD HH:MM
CREATE INDEX activities_emergency ON activities(emergency) WHERE emergency = '应急中';
