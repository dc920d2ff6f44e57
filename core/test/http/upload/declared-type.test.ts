import t from 'tap';
import { uploadedContentType } from '../../../src/http/upload/declared-type.js';

t.test('the filename decides the stored type; a declared type survives only when it agrees', async (t) => {
  t.equal(uploadedContentType('picture.png', 'text/html'), undefined, 'D22: a lying type is dropped, the name decides');
  t.equal(uploadedContentType('page.txt', 'text/plain; charset=iso-8859-1'), 'text/plain; charset=iso-8859-1', 'agreeing parameters survive');
  t.equal(uploadedContentType('page.TXT', 'Text/Plain'), 'Text/Plain', 'compared without case');
  t.equal(uploadedContentType('data.unknownext', 'application/x-custom'), 'application/x-custom', 'no type by name: the declared one');
  t.equal(uploadedContentType('noextension', 'image/png'), 'image/png');
  t.equal(uploadedContentType('a.png', undefined), undefined);
});
