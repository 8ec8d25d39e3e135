import { typeUid } from '../../../shared/ocsf/types';
test('type_uid is class_uid * 100 + activity_id', () => {
  expect(typeUid(6003, 1)).toBe(600301);
});
