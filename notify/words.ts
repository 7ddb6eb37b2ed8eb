import type { Labels } from '../contracts/procedures';

/**
 * The messages' own words in both languages. What a procedure, step, agency, status or field is
 * called comes from the catalogue (contracts/procedures/labels.ts), never from here. SMS texts are
 * sent without diacritics (render.ts), so they are written to read well both ways.
 */
export const messageWords = {
  sender: { vi: 'Cổng dịch vụ công liên thông', en: 'Liên thông public services' },
  dossier: { vi: 'Hồ sơ', en: 'Dossier' },
  informationSubject: { vi: 'Cần bổ sung thông tin cho hồ sơ', en: 'Information needed for your dossier' },
  informationLead: {
    vi: 'Cơ quan giải quyết cần bạn bổ sung thông tin cho bước',
    en: 'The agency needs more information from you for the step',
  },
  informationFields: { vi: 'Thông tin cần bổ sung', en: 'Information asked for' },
  answerBy: { vi: 'Hạn bổ sung (7 ngày làm việc)', en: 'Answer by (7 working days)' },
  answerByShort: { vi: 'Han', en: 'Answer by' },
  answerWarning: {
    vi: 'Nếu không bổ sung trước hạn, hồ sơ sẽ bị từ chối.',
    en: 'If you do not answer by then, the dossier is rejected.',
  },
  overdueSubject: { vi: 'Hồ sơ đang bị chậm', en: 'Your dossier is late' },
  overdueLead: { vi: 'Bước sau đã quá hạn giải quyết:', en: 'This step is past its legal due date:' },
  overdueDue: { vi: 'Hạn giải quyết', en: 'Due' },
  overdueReassure: {
    vi: 'Hệ thống đang gửi lại yêu cầu đến cơ quan; bạn không cần làm gì.',
    en: 'The request is being sent to the agency again; you need not do anything.',
  },
  overdueShort: { vi: 'qua han', en: 'is late' },
  finishedSubject: { vi: 'Hồ sơ đã có kết quả', en: 'Your dossier has a result' },
  finishedLead: { vi: 'Hồ sơ của bạn đã kết thúc với trạng thái:', en: 'Your dossier ended as:' },
  finishedSeeResults: {
    vi: 'Xem kết quả và lý do (nếu có) trên Cổng.',
    en: 'See the results and any reasons on the portal.',
  },
  open: { vi: 'Xem hồ sơ', en: 'Open the dossier' },
  signature: {
    vi: 'Tin nhắn tự động, vui lòng không trả lời.',
    en: 'This is an automatic message; please do not reply.',
  },
} as const satisfies Record<string, Labels>;
