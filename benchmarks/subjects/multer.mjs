// Peer: Express 5 with multer's disk storage (POST /upload, one multipart field `file`). Its
// defaults: no hashing, no fsync.
import { createServer } from 'node:http';
import express from 'express';
import multer from 'multer';
import { announce, settings } from './common.mjs';

const upload = multer({ storage: multer.diskStorage({ destination: settings.uploadDir }) });
const app = express();
app.post('/upload', upload.single('file'), (req, res) => {
  res.status(201).json({ filename: req.file?.filename, size: req.file?.size });
});
await announce(createServer(app));
