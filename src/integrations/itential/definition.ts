export const SYSTEM_ID = 'itential';
export const SYSTEM_NAME = 'Itential';
